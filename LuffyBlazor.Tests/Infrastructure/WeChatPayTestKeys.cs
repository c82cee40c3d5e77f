using System.Security.Cryptography;
using System.Text.Json;
using LuffyBlazor.Features.Payments.WeChat;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>The test-only WeChat Pay keys in TestData/: the merchant's pair, "WeChat Pay's" pair and its certificates.</summary>
public static class WeChatPayTestKeys
{
    public const string MchId = "1230000109";
    public const string AppId = "wxd678efh567hg6787";
    public const string ApiV3Key = "abcdefghijABCDEFGHIJ0123456789xy";
    public const string MerchantSerialNo = "3775B6A45ACD588826D15E583A95F5DD12345678";
    public const string PublicKeyId = "PUB_KEY_ID_0112300001092026112500112233445566";
    public const string CertificateSerial = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
    public const string NotifyUrl = "https://luffy.example.com/api/v1/order/wechat/notify/";

    public static string MerchantPrivateKeyPath => AlipayTestKeys.Path("wechatpay_test_merchant_private_key.pem");
    public static string MerchantPublicKeyPath => AlipayTestKeys.Path("wechatpay_test_merchant_public_key.pem");
    public static string PlatformPrivateKeyPath => AlipayTestKeys.Path("wechatpay_test_platform_private_key.pem");
    public static string PlatformPublicKeyPath => AlipayTestKeys.Path("wechatpay_test_platform_public_key.pem");
    public static string PlatformCertificatePath => AlipayTestKeys.Path("wechatpay_test_platform_cert.pem");
    public static string RotatedCertificatePath => AlipayTestKeys.Path("wechatpay_test_platform2_cert.pem");

    public static RSA MerchantPrivateKey { get; } = Load(MerchantPrivateKeyPath);
    public static RSA MerchantPublicKey { get; } = Load(MerchantPublicKeyPath);
    public static RSA PlatformPrivateKey { get; } = Load(PlatformPrivateKeyPath);

    /// <summary>Signatures by openssl and an AEAD resource by Python's cryptography, computed independently of our code.</summary>
    public static JsonElement Vectors { get; } = JsonDocument.Parse(File.ReadAllText(AlipayTestKeys.Path("wechatpay_vectors.json"))).RootElement;

    public static string Pem(string path) => File.ReadAllText(path);

    /// <summary>App settings turning WeChat Pay on with the test keys, public-key mode, talking to <paramref name="baseUrl"/>.</summary>
    public static Dictionary<string, string?> Settings(string baseUrl = "https://api.mch.weixin.qq.com") => new()
    {
        ["WeChatPay:MchId"] = MchId,
        ["WeChatPay:AppId"] = AppId,
        ["WeChatPay:ApiV3Key"] = ApiV3Key,
        ["WeChatPay:MerchantSerialNo"] = MerchantSerialNo,
        ["WeChatPay:MerchantPrivateKeyPath"] = MerchantPrivateKeyPath,
        ["WeChatPay:PlatformPublicKeyId"] = PublicKeyId,
        ["WeChatPay:PlatformPublicKeyPath"] = PlatformPublicKeyPath,
        ["WeChatPay:NotifyUrl"] = NotifyUrl,
        ["WeChatPay:BaseUrl"] = baseUrl,
    };

    public static WeChatPayOptions Options() => new()
    {
        MchId = MchId, AppId = AppId, ApiV3Key = ApiV3Key, MerchantSerialNo = MerchantSerialNo,
        MerchantPrivateKeyPath = MerchantPrivateKeyPath, PlatformPublicKeyId = PublicKeyId, PlatformPublicKeyPath = PlatformPublicKeyPath,
        NotifyUrl = NotifyUrl, BaseUrl = "https://api.mch.weixin.qq.com",
    };

    public static WeChatPayCredentials Credentials(WeChatPayOptions? options = null) =>
        WeChatPayCredentials.Load(options ?? Options(), AppContext.BaseDirectory);

    private static RSA Load(string path)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(path));
        return rsa;
    }
}
