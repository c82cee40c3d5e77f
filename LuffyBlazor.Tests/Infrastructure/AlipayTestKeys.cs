using System.Security.Cryptography;
using System.Text.Json;
using LuffyBlazor.Features.Payments.Alipay;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>The test-only key pairs in TestData/: one plays the app, the other plays Alipay.</summary>
public static class AlipayTestKeys
{
    public const string AppId = "2021000000000042";

    public static string Path(string file) => System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", file);

    public static string AppPrivateKeyPath => Path("alipay_test_app_private_key.pem");
    public static string AppPublicKeyPath => Path("alipay_test_app_public_key.pem");
    public static string AlipayPrivateKeyPath => Path("alipay_test_alipay_private_key.pem");
    public static string AlipayPublicKeyPath => Path("alipay_test_alipay_public_key.pem");

    public static RSA AlipayPrivateKey { get; } = Load(AlipayPrivateKeyPath);
    public static RSA AppPrivateKey { get; } = Load(AppPrivateKeyPath);
    public static RSA AppPublicKey { get; } = Load(AppPublicKeyPath);
    public static RSA AlipayPublicKey { get; } = Load(AlipayPublicKeyPath);

    /// <summary>Sign strings and signatures computed with openssl, independently of our code.</summary>
    public static JsonElement Vectors { get; } = JsonDocument.Parse(File.ReadAllText(Path("alipay_vectors.json"))).RootElement;

    public const string NotifyUrl = "https://luffy.example.com/api/v1/order/success/";
    public const string ReturnUrl = "https://luffy.example.com/pay/success";

    /// <summary>
    /// App settings pointing the app at the test keys, with the simulator off: what a live deployment sets (outside
    /// Development the gateway and public https callback URLs are required).
    /// </summary>
    public static Dictionary<string, string?> Settings() => new()
    {
        ["Alipay:AppId"] = AppId,
        ["Alipay:AppPrivateKeyPath"] = AppPrivateKeyPath,
        ["Alipay:AlipayPublicKeyPath"] = AlipayPublicKeyPath,
        ["Alipay:Gateway"] = AlipayOptions.SandboxGateway,
        ["Alipay:NotifyUrl"] = NotifyUrl,
        ["Alipay:ReturnUrl"] = ReturnUrl,
        ["Alipay:Simulator:Enabled"] = "false",
    };

    public static AlipayOptions Options(string signType = "RSA2") => new()
    {
        AppId = AppId,
        AppPrivateKeyPath = AppPrivateKeyPath,
        AlipayPublicKeyPath = AlipayPublicKeyPath,
        SignType = signType,
    };

    /// <summary>What the app holds: its own private key and Alipay's public key.</summary>
    public static AlipayCredentials Credentials(string signType = "RSA2") => AlipayCredentials.Load(Options(signType), AppContext.BaseDirectory);

    public static string Pem(string path) => File.ReadAllText(path);

    private static RSA Load(string path)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(path));
        return rsa;
    }
}
