using System.Diagnostics;
using LuffyBlazor.Features.Payments.Alipay;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>
/// A certificate chain shaped like Alipay's, made by openssl once per test run in a temporary folder (its CA keys
/// never leave it): a root bundle holding an ECDSA root (which gives no SN), an RSA root that signs with
/// sha256WithRSA and one with sha1WithRSA; a "Class 1" CA that issues the application's certificate for the test
/// app key and a "Class 2" CA that issues "Alipay's" for the test Alipay key; each leaf file holds its CA after the
/// certificate, as the downloaded files do. Also a second Alipay certificate on another key (a rotation) and one
/// whose issuer has an e-mail address, a two-valued RDN and Chinese (the odd corners of the issuer name).
/// </summary>
public sealed class TestCertificateChain
{
    private static readonly Lazy<TestCertificateChain> Made = new(() => new TestCertificateChain());

    private TestCertificateChain()
    {
        Folder = Path.Combine(Path.GetTempPath(), "luffy-tests", "certs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        File.WriteAllText(PathOf("ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
        File.WriteAllText(PathOf("leaf.ext"), "keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment\n");

        Openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", PathOf("root-e1.key"));
        SelfSigned("root-e1", "/C=CN/O=Luffy Test/OU=Certification Authority/CN=Luffy Test Root E1", "-sha256", "0x05");
        SelfSigned("root-r1", "/C=CN/O=Luffy Test/OU=Certification Authority/CN=Luffy Test Root R1", "-sha256", "0x1fcfa18d6a480d11", newKey: true);
        SelfSigned("root-g3", "/C=CN/O=Luffy Trust/OU=Test Trust Network/CN=Luffy Test Class 2 Root CA - G3", "-sha1",
            "0x10c764e9d560384212d9c08fd10e373fdd0fb396", newKey: true);
        Issued("class1", "root-r1", "/C=CN/O=Luffy Test/OU=Certification Authority/CN=Luffy Test Class 1 R1", "0x62c4abe5b280325f", "ca.ext", newKey: true);
        Issued("class2", "root-r1", "/C=CN/O=Luffy Test/OU=Certification Authority/CN=Luffy Test Class 2 R1", "0x62c4abe5b2803260", "ca.ext", newKey: true);
        Issued("app", "class1", "/C=CN/O=路飞学城测试/OU=Alipay/CN=2088000000000001", "0x202503126422190a03d066f71f3ba5e6", "leaf.ext",
            key: AlipayTestKeys.AppPrivateKeyPath);
        Issued("alipay", "class2", "/C=CN/O=路飞学城测试/OU=Alipay/CN=支付宝(中国)网络技术有限公司-2088000000000001",
            "0x2025031283469ac845ad500a5b420d2c", "leaf.ext", key: AlipayTestKeys.AlipayPrivateKeyPath);
        Issued("alipay-next", "class2", "/C=CN/O=路飞学城测试/OU=Alipay/CN=支付宝(中国)网络技术有限公司-2088000000000001",
            "0x2026031283469ac845ad500a5b420d2d", "leaf.ext", newKey: true);
        NewRsaKey("alipay-short", bits: 1024);
        Issued("alipay-short", "class2", "/C=CN/O=路飞学城测试/OU=Alipay/CN=支付宝(中国)网络技术有限公司-2088000000000001",
            "0x2024031283469ac845ad500a5b420d2e", "leaf.ext");
        SelfSigned("odd-ca", "/C=CN/ST=北京/O=路飞学城/OU=Payments+OU=Billing/CN=Luffy Odd CA/emailAddress=ca@luffy.test", "-sha256", "0x7f", newKey: true);
        Issued("odd", "odd-ca", "/C=CN/CN=odd leaf", "0x80", "leaf.ext", newKey: true);

        AppCertPath = Concat("appCertPublicKey.crt", "app.crt", "class1.crt");
        AlipayPublicCertPath = Concat("alipayCertPublicKey_RSA2.crt", "alipay.crt", "class2.crt");
        NextAlipayPublicCertPath = Concat("alipayCertPublicKey_RSA2_next.crt", "alipay-next.crt", "class2.crt");
        AlipayRootCertPath = Concat("alipayRootCert.crt", "root-e1.crt", "root-r1.crt", "root-g3.crt");
    }

    public static TestCertificateChain Shared => Made.Value;

    public string Folder { get; }

    /// <summary>The application's certificate (应用公钥证书) for the test app key, then its CA.</summary>
    public string AppCertPath { get; }

    /// <summary>"Alipay's" certificate (支付宝公钥证书) for the test Alipay key, then its CA.</summary>
    public string AlipayPublicCertPath { get; }

    /// <summary>Alipay's next certificate, on a key of its own (<see cref="NextAlipayPrivateKeyPath"/>).</summary>
    public string NextAlipayPublicCertPath { get; }

    public string NextAlipayPrivateKeyPath => PathOf("alipay-next.key");

    /// <summary>The root bundle (支付宝根证书): ECDSA, sha256WithRSA and sha1WithRSA roots, in that order.</summary>
    public string AlipayRootCertPath { get; }

    /// <summary>"Alipay's" certificate on a 1024-bit key, which is refused like a short public key.</summary>
    public string ShortKeyAlipayCertPath => PathOf("alipay-short.crt");

    /// <summary>A leaf whose issuer has a state, an e-mail address, a two-valued OU and Chinese.</summary>
    public string OddCertPath => PathOf("odd.crt");

    public string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>App settings for certificate mode with this chain and the test keys (the simulator off).</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Alipay:AlipayPublicKeyPath"] = "",
        ["Alipay:AppCertPath"] = AppCertPath,
        ["Alipay:AlipayPublicCertPath"] = AlipayPublicCertPath,
        ["Alipay:AlipayRootCertPath"] = AlipayRootCertPath,
    };

    /// <summary>Options in certificate mode with this chain and the test keys.</summary>
    public AlipayOptions Options(string? alipayPublicCertPath = null) => new()
    {
        AppId = AlipayTestKeys.AppId,
        AppPrivateKeyPath = AlipayTestKeys.AppPrivateKeyPath,
        AppCertPath = AppCertPath,
        AlipayPublicCertPath = alipayPublicCertPath ?? AlipayPublicCertPath,
        AlipayRootCertPath = AlipayRootCertPath,
    };

    public AlipayCredentials Credentials(string? alipayPublicCertPath = null) =>
        AlipayCredentials.Load(Options(alipayPublicCertPath), AppContext.BaseDirectory);

    /// <summary>Runs openssl in the chain's folder; returns what it printed.</summary>
    public string Openssl(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("openssl could not be started: install it (apt-get install openssl)");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} failed: {error}");
        }

        return output.Result;
    }

    /// <summary>What openssl says of a certificate: <c>-serial</c> (hex) or <c>-issuer</c> in RFC 2253 form, without the label.</summary>
    public string Field(string certificatePath, string field) =>
        Openssl("x509", "-in", certificatePath, "-noout", "-" + field, "-nameopt", "RFC2253,-esc_msb").Trim().Split('=', 2)[1];

    private void SelfSigned(string name, string subject, string digest, string serial, bool newKey = false)
    {
        if (newKey)
        {
            NewRsaKey(name);
        }

        Openssl("req", "-x509", "-new", "-key", PathOf(name + ".key"), digest, "-days", "3650", "-utf8", "-multivalue-rdn",
            "-subj", subject, "-set_serial", serial, "-out", PathOf(name + ".crt"));
    }

    private void Issued(string name, string issuer, string subject, string serial, string extensions, bool newKey = false, string? key = null)
    {
        if (newKey)
        {
            NewRsaKey(name);
        }

        var keyPath = key ?? PathOf(name + ".key");
        Openssl("req", "-new", "-key", keyPath, "-utf8", "-subj", subject, "-out", PathOf(name + ".csr"));
        Openssl("x509", "-req", "-in", PathOf(name + ".csr"), "-CA", PathOf(issuer + ".crt"), "-CAkey", PathOf(issuer + ".key"),
            "-set_serial", serial, "-days", "1825", "-sha256", "-extfile", PathOf(extensions), "-out", PathOf(name + ".crt"));
    }

    private void NewRsaKey(string name, int bits = 2048) =>
        Openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", $"rsa_keygen_bits:{bits}", "-out", PathOf(name + ".key"));

    private string Concat(string name, params string[] parts)
    {
        File.WriteAllText(PathOf(name), string.Concat(parts.Select(part => File.ReadAllText(PathOf(part)))));
        return PathOf(name);
    }
}
