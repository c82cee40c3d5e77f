using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Payments.Alipay;

namespace LuffyBlazor.Features.Payments.Simulator;

/// <summary>The SNs the simulated gateway expects and sends in certificate mode.</summary>
public sealed record SimulatorCertificateSns(string AppCertSn, string AlipayRootCertSn, string AlipayCertSn);

/// <summary>
/// Certificate mode for the offline Alipay: on first run it becomes its own certificate authority in <c>keys/</c>, as
/// Alipay's open platform is for a real application. A root CA (its key kept beside it, so that nothing has to be
/// issued twice), a root bundle shaped like Alipay's (an ECDSA root, which gives no SN, before the RSA one), "Alipay's"
/// certificate for its key and the application's certificate for the app's key, each followed by the root as the
/// downloaded files are by their CA. Every file is published first-writer-wins and read back from disk before it is
/// used, so instances racing on a first run end up with one consistent set.
/// </summary>
public static class SimulatorCertificates
{
    public const string RootKeyFile = "alipay_root_ca_key.pem";
    public const string RootCertFile = "alipay_root_cert.crt";
    public const string AlipayCertFile = "alipay_public_cert.crt";
    public const string AppCertFile = "app_public_cert.crt";

    private static readonly TimeSpan Backdate = TimeSpan.FromDays(1);

    /// <summary>Issues whatever is missing: the root CA, the bundle, Alipay's and the app's certificates.</summary>
    public static void EnsureCreated(string directory, string appPublicKeyPath, string alipayPrivateKeyPath, string sellerId, DateTimeOffset now)
    {
        var rootKeyPath = Path.Combine(directory, RootKeyFile);
        if (!File.Exists(rootKeyPath))
        {
            using var created = RSA.Create(2048);
            KeysDirectory.WriteSecret(rootKeyPath, created.ExportPkcs8PrivateKeyPem() + "\n");
        }

        using var rootKey = ReadKey(rootKeyPath);
        var bundlePath = Path.Combine(directory, RootCertFile);
        if (!File.Exists(bundlePath))
        {
            KeysDirectory.WriteSecret(bundlePath, NewRootBundle(rootKey, now));
        }

        using var root = RsaRootOf(bundlePath);
        IssueIfMissing(Path.Combine(directory, AlipayCertFile), root, rootKey, now, Name("路飞学城(模拟)", $"支付宝(中国)网络技术有限公司-{sellerId}"),
            () => ReadKey(alipayPrivateKeyPath));
        IssueIfMissing(Path.Combine(directory, AppCertFile), root, rootKey, now, Name("路飞学城(模拟)", sellerId),
            () => ReadKey(appPublicKeyPath));
    }

    /// <summary>The SNs of the files in <paramref name="directory"/>, as the app computes them from the same files.</summary>
    public static SimulatorCertificateSns Read(string directory)
    {
        var bundle = AlipayCertificates.ReadPem(File.ReadAllText(Path.Combine(directory, RootCertFile)), "Alipay:Simulator " + RootCertFile);
        var alipay = AlipayCertificates.ReadPem(File.ReadAllText(Path.Combine(directory, AlipayCertFile)), "Alipay:Simulator " + AlipayCertFile);
        var app = AlipayCertificates.ReadPem(File.ReadAllText(Path.Combine(directory, AppCertFile)), "Alipay:Simulator " + AppCertFile);
        try
        {
            return new(AlipayCertificates.CertSn(app[0]), AlipayCertificates.RootCertSn(bundle), AlipayCertificates.CertSn(alipay[0]));
        }
        finally
        {
            AlipayCertificates.Dispose(bundle.Concat(alipay).Concat(app));
        }
    }

    private static string NewRootBundle(RSA rootKey, DateTimeOffset now)
    {
        using var ecKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ecRequest = new CertificateRequest(Name("Luffy Alipay Simulator", "Luffy Simulator Root E1", "Certification Authority"), ecKey, HashAlgorithmName.SHA256);
        var rsaRequest = new CertificateRequest(
            Name("Luffy Alipay Simulator", "Luffy Simulator Root R1", "Certification Authority"), rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        foreach (var request in new[] { ecRequest, rsaRequest })
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        }

        using var ecRoot = ecRequest.CreateSelfSigned(now - Backdate, now.AddYears(20));
        using var rsaRoot = rsaRequest.CreateSelfSigned(now - Backdate, now.AddYears(20));
        return ecRoot.ExportCertificatePem() + "\n" + rsaRoot.ExportCertificatePem() + "\n";
    }

    private static void IssueIfMissing(string path, X509Certificate2 root, RSA rootKey, DateTimeOffset now, X500DistinguishedName subject, Func<RSA> subjectKey)
    {
        if (File.Exists(path))
        {
            return;
        }

        using var key = subjectKey();
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x10); // positive, and always 16 bytes long
        using var leaf = request.Create(root.SubjectName, X509SignatureGenerator.CreateForRSA(rootKey, RSASignaturePadding.Pkcs1),
            now - Backdate, now.AddYears(10), serial);
        KeysDirectory.WriteSecret(path, leaf.ExportCertificatePem() + "\n" + root.ExportCertificatePem() + "\n");
    }

    /// <summary>The bundle's RSA root, the one that issues (read back from disk: whoever won the race wrote it).</summary>
    private static X509Certificate2 RsaRootOf(string bundlePath)
    {
        var bundle = AlipayCertificates.ReadPem(File.ReadAllText(bundlePath), bundlePath);
        var root = bundle.First(AlipayCertificates.IsRsaSigned);
        AlipayCertificates.Dispose(bundle.Where(c => c != root));
        return root;
    }

    /// <summary>The RSA key in a private or public key file.</summary>
    private static RSA ReadKey(string path)
    {
        var key = RSA.Create();
        key.ImportFromPem(File.ReadAllText(path));
        return key;
    }

    private static X500DistinguishedName Name(string organization, string commonName, string unit = "Alipay")
    {
        var name = new X500DistinguishedNameBuilder();
        name.AddCountryOrRegion("CN");
        name.AddOrganizationName(organization);
        name.AddOrganizationalUnitName(unit);
        name.AddCommonName(commonName);
        return name.Build();
    }
}
