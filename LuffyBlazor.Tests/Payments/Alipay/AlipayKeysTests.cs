using System.Security.Cryptography;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Tests.Infrastructure;

namespace LuffyBlazor.Tests.Payments.Alipay;

/// <summary>Keys in every form people paste, and the mistakes they make, each with a message naming the setting.</summary>
public sealed class AlipayKeysTests
{
    private const string Setting = "Alipay:AppPrivateKey";
    private static readonly RSA Source = AlipayTestKeys.AppPrivateKey;

    public static TheoryData<string, string> PrivateKeyForms => new()
    {
        { "PEM PKCS#8", Source.ExportPkcs8PrivateKeyPem() },
        { "PEM PKCS#1", Source.ExportRSAPrivateKeyPem() },
        { "bare base64 PKCS#8 (Alipay's key tool)", Convert.ToBase64String(Source.ExportPkcs8PrivateKey()) },
        { "bare base64 PKCS#1", Convert.ToBase64String(Source.ExportRSAPrivateKey()) },
        { "base64 wrapped at 64 with spaces and quotes", "\"" + Wrap(Convert.ToBase64String(Source.ExportPkcs8PrivateKey())) + " \"" },
        { "PEM with Windows line ends and indentation", "  " + Source.ExportPkcs8PrivateKeyPem().Replace("\n", "\r\n") + "\r\n" },
    };

    public static TheoryData<string, string> PublicKeyForms => new()
    {
        { "PEM SubjectPublicKeyInfo", Source.ExportSubjectPublicKeyInfoPem() },
        { "PEM PKCS#1 public", Source.ExportRSAPublicKeyPem() },
        { "bare base64 SubjectPublicKeyInfo (as the open platform shows it)", Convert.ToBase64String(Source.ExportSubjectPublicKeyInfo()) },
        { "bare base64 PKCS#1 public", Convert.ToBase64String(Source.ExportRSAPublicKey()) },
    };

    [Theory]
    [MemberData(nameof(PrivateKeyForms))]
    public void Every_private_key_form_imports_as_the_same_key(string form, string text)
    {
        using var key = AlipayKeys.ImportPrivateKey(text, Setting);

        Assert.True(AlipayKeys.ArePair(key, AlipayTestKeys.AppPublicKey), form);
        Assert.True(AlipaySignature.Verify("a=1", AlipaySignature.Sign("a=1", key), AlipayTestKeys.AppPublicKey), form);
    }

    [Theory]
    [MemberData(nameof(PublicKeyForms))]
    public void Every_public_key_form_imports_as_the_same_key(string form, string text)
    {
        using var key = AlipayKeys.ImportPublicKey(text, "Alipay:AlipayPublicKey");

        Assert.True(AlipayKeys.ArePair(Source, key), form);
    }

    public static TheoryData<string, string, string> PrivateKeyMistakes => new()
    {
        { "a public key PEM", Source.ExportSubjectPublicKeyInfoPem(), "holds a public key" },
        { "a public key in base64", Convert.ToBase64String(Source.ExportSubjectPublicKeyInfo()), "holds a public key" },
        { "an encrypted key", Source.ExportEncryptedPkcs8PrivateKeyPem("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000)), "password-protected" },
        { "a truncated PEM", Source.ExportPkcs8PrivateKeyPem()[..200], "not a readable RSA private key PEM" },
        { "not base64", "this is not a key", "neither PEM nor base64" },
        { "base64 of something else", Convert.ToBase64String("hello world, no key here"u8.ToArray()), "not an RSA private key" },
        { "a 512-bit key", RSA.Create(512).ExportPkcs8PrivateKeyPem(), "512-bit" },
        { "a 1024-bit key", RSA.Create(1024).ExportPkcs8PrivateKeyPem(), "is a 1024-bit key; RSA keys under 2048 bits are refused" },
        { "a 1024-bit key in base64", Convert.ToBase64String(RSA.Create(1024).ExportRSAPrivateKey()), "is a 1024-bit key; RSA keys under 2048 bits are refused" },
        { "an EC key", ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKeyPem(), "not a readable RSA private key" },
        { "whitespace", "   ", "is empty" },
    };

    [Theory]
    [MemberData(nameof(PrivateKeyMistakes))]
    public void A_wrong_private_key_fails_with_a_message_naming_the_setting_and_the_mistake(string mistake, string text, string expected)
    {
        var error = Assert.Throws<AlipayKeyException>(() => AlipayKeys.ImportPrivateKey(text, Setting));

        Assert.StartsWith(Setting, error.Message);
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{mistake}: {error.Message}");
        Assert.DoesNotContain("MII", error.Message); // never echo key material
    }

    [Theory]
    [InlineData("private PEM", "holds a private key")]
    [InlineData("private base64", "holds a private key")]
    [InlineData("certificate", "certificate mode")]
    public void A_private_key_or_certificate_given_as_alipays_public_key_is_refused(string form, string expected)
    {
        var text = form switch
        {
            "private PEM" => Source.ExportPkcs8PrivateKeyPem(),
            "private base64" => Convert.ToBase64String(Source.ExportPkcs8PrivateKey()),
            _ => "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
        };

        var error = Assert.Throws<AlipayKeyException>(() => AlipayKeys.ImportPublicKey(text, "Alipay:AlipayPublicKey"));

        Assert.Contains(expected, error.Message);
        Assert.StartsWith("Alipay:AlipayPublicKey", error.Message);
    }

    [Fact]
    public void A_1024_bit_alipay_public_key_is_refused_in_either_form()
    {
        using var weak = RSA.Create(1024);

        var pem = Assert.Throws<AlipayKeyException>(() => AlipayKeys.ImportPublicKey(weak.ExportSubjectPublicKeyInfoPem(), "Alipay:AlipayPublicKey"));
        var bare = Assert.Throws<AlipayKeyException>(() => AlipayKeys.ImportPublicKey(Convert.ToBase64String(weak.ExportSubjectPublicKeyInfo()), "Alipay:AlipayPublicKey"));

        Assert.All([pem, bare], e => Assert.StartsWith("Alipay:AlipayPublicKey is a 1024-bit key; RSA keys under 2048 bits are refused", e.Message));
    }

    [Fact]
    public void The_apps_own_public_key_configured_as_alipays_is_the_classic_mistake_and_is_named()
    {
        var options = AlipayTestKeys.Options();
        options.AlipayPublicKeyPath = AlipayTestKeys.AppPublicKeyPath;

        var error = Assert.Throws<AlipayKeyException>(() => AlipayCredentials.Load(options, AppContext.BaseDirectory));

        Assert.Contains("public half of your own application private key", error.Message);
    }

    [Fact]
    public void Key_paths_are_relative_to_the_content_root_and_a_missing_file_is_named()
    {
        var options = AlipayTestKeys.Options();
        options.AppPrivateKeyPath = "TestData/alipay_test_app_private_key.pem";
        using (var credentials = AlipayCredentials.Load(options, AppContext.BaseDirectory))
        {
            Assert.True(AlipayKeys.ArePair(credentials.AppPrivateKey, AlipayTestKeys.AppPublicKey));
        }

        options.AppPrivateKeyPath = "TestData/no-such-key.pem";
        var error = Assert.Throws<AlipayKeyException>(() => AlipayCredentials.Load(options, AppContext.BaseDirectory));
        Assert.Contains("Alipay:AppPrivateKeyPath", error.Message);
        Assert.Contains("no-such-key.pem", error.Message);
    }

    [Fact]
    public void Inline_keys_work_and_setting_both_inline_and_path_is_refused()
    {
        var options = AlipayTestKeys.Options();
        options.AppPrivateKey = Convert.ToBase64String(Source.ExportRSAPrivateKey());
        options.AppPrivateKeyPath = null;
        options.AlipayPublicKey = Convert.ToBase64String(AlipayTestKeys.AlipayPublicKey.ExportSubjectPublicKeyInfo());
        options.AlipayPublicKeyPath = null;
        using (AlipayCredentials.Load(options, AppContext.BaseDirectory))
        {
        }

        options.AppPrivateKeyPath = AlipayTestKeys.AppPrivateKeyPath;
        var error = Assert.Throws<AlipayKeyException>(() => AlipayCredentials.Load(options, AppContext.BaseDirectory));
        Assert.Equal("Set either Alipay:AppPrivateKey or Alipay:AppPrivateKeyPath, not both.", error.Message);
    }

    private static string Wrap(string base64) =>
        string.Join("\n", Enumerable.Range(0, (base64.Length + 63) / 64).Select(i => base64.Substring(i * 64, Math.Min(64, base64.Length - i * 64))));
}
