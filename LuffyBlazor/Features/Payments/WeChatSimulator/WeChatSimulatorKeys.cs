using System.Security.Cryptography;
using LuffyBlazor.Common;

namespace LuffyBlazor.Features.Payments.WeChatSimulator;

/// <summary>
/// The offline WeChat Pay's secrets, generated into <c>keys/</c> on first run: the merchant's API key pair (the app
/// signs requests, the simulator verifies), "WeChat Pay's" key pair (公钥模式: the simulator signs answers and
/// notifies, the app verifies) and the APIv3 key both share to encrypt notify resources.
/// </summary>
public static class WeChatSimulatorKeys
{
    public const string MerchantPrivateKeyFile = "wechatpay_merchant_private_key.pem";
    public const string MerchantPublicKeyFile = "wechatpay_merchant_public_key.pem";
    public const string PlatformPrivateKeyFile = "wechatpay_platform_private_key.pem";
    public const string PlatformPublicKeyFile = "wechatpay_platform_public_key.pem";
    public const string ApiV3KeyFile = "wechatpay_apiv3_key.txt";

    private const string KeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static void EnsureCreated(string directory)
    {
        KeysDirectory.EnsureRsaPair(Path.Combine(directory, MerchantPrivateKeyFile), Path.Combine(directory, MerchantPublicKeyFile));
        KeysDirectory.EnsureRsaPair(Path.Combine(directory, PlatformPrivateKeyFile), Path.Combine(directory, PlatformPublicKeyFile));
        KeysDirectory.GetOrCreateSecret(directory, ApiV3KeyFile, () => RandomNumberGenerator.GetString(KeyAlphabet, 32) + "\n");
    }

    public static string ReadApiV3Key(string directory) => File.ReadAllText(Path.Combine(directory, ApiV3KeyFile)).Trim();

    public static RSA Load(string path)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(path));
        return rsa;
    }
}
