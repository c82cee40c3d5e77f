using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LuffyBlazor.Features.Payments.Alipay;

/// <summary>One of Alipay's certificates (支付宝公钥证书): its SN and the public key it vouches for.</summary>
public sealed record AlipayPublicCertificate(string Sn, RSA PublicKey, DateTime NotAfter);

/// <summary>
/// Certificate mode (公钥证书): every request carries <c>app_cert_sn</c> (the application certificate's SN) and
/// <c>alipay_root_cert_sn</c> (Alipay's root bundle's); Alipay's signatures are verified with the public key of the
/// Alipay certificate whose SN an answer names in <c>alipay_cert_sn</c>. Several Alipay certificates may be
/// configured at once, so that answers signed with the old or the new one both verify while Alipay rotates it.
/// Loaded and checked once at start-up: every problem names the setting and the file.
/// </summary>
public sealed class AlipayCertificateMode : IDisposable
{
    public const string AppCertSetting = "Alipay:AppCert";
    public const string AlipayPublicCertSetting = "Alipay:AlipayPublicCert";
    public const string AlipayRootCertSetting = "Alipay:AlipayRootCert";

    private AlipayCertificateMode((string Sn, DateTime NotAfter) appCert, string alipayRootCertSn, List<AlipayPublicCertificate> alipayCertificates)
    {
        AppCertSn = appCert.Sn;
        AppCertNotAfter = appCert.NotAfter;
        AlipayRootCertSn = alipayRootCertSn;
        AlipayPublicCertificates = alipayCertificates;
    }

    public string AppCertSn { get; }

    /// <summary>When the application certificate (应用公钥证书) expires, UTC: the operator renews it before then.</summary>
    public DateTime AppCertNotAfter { get; }

    public string AlipayRootCertSn { get; }

    /// <summary>Alipay's certificates, in the order configured (the first one is the current one).</summary>
    public IReadOnlyList<AlipayPublicCertificate> AlipayPublicCertificates { get; }

    /// <summary>The key of the Alipay certificate with that SN, or null when none is configured.</summary>
    public RSA? KeyFor(string alipayCertSn) => AlipayPublicCertificates.FirstOrDefault(c => c.Sn == alipayCertSn)?.PublicKey;

    /// <summary>Certificate mode is on as soon as one of its settings is.</summary>
    public static bool IsConfigured(AlipayOptions options) =>
        new[] { options.AppCert, options.AppCertPath, options.AlipayPublicCert, options.AlipayPublicCertPath, options.AlipayRootCert, options.AlipayRootCertPath }
            .Any(value => !string.IsNullOrWhiteSpace(value));

    /// <summary>The certificate settings still empty, named.</summary>
    public static IEnumerable<string> MissingSettings(AlipayOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.AppCert) && string.IsNullOrWhiteSpace(options.AppCertPath))
        {
            yield return $"{AppCertSetting} (or {AppCertSetting}Path)";
        }

        if (string.IsNullOrWhiteSpace(options.AlipayPublicCert) && string.IsNullOrWhiteSpace(options.AlipayPublicCertPath))
        {
            yield return $"{AlipayPublicCertSetting} (or {AlipayPublicCertSetting}Path)";
        }

        if (string.IsNullOrWhiteSpace(options.AlipayRootCert) && string.IsNullOrWhiteSpace(options.AlipayRootCertPath))
        {
            yield return $"{AlipayRootCertSetting} (or {AlipayRootCertSetting}Path)";
        }
    }

    /// <summary>Reads and checks the three certificate settings against the application private key and the time now.</summary>
    public static AlipayCertificateMode Load(AlipayOptions options, string contentRoot, RSA appPrivateKey, DateTimeOffset now)
    {
        if (!string.IsNullOrWhiteSpace(options.AlipayPublicKey) || !string.IsNullOrWhiteSpace(options.AlipayPublicKeyPath))
        {
            throw new AlipayKeyException(
                "Alipay:AlipayPublicKey(Path) is for public-key mode, but certificate mode is configured (Alipay:AppCertPath, Alipay:AlipayPublicCertPath, Alipay:AlipayRootCertPath): " +
                "in certificate mode Alipay's public key comes from its certificate. Remove one of the two.");
        }

        var appCert = ReadAppCert(Source.Of(options.AppCert, options.AppCertPath, AppCertSetting, contentRoot), appPrivateKey, now);
        var rootCertSn = ReadRootCertSn(Source.Of(options.AlipayRootCert, options.AlipayRootCertPath, AlipayRootCertSetting, contentRoot), now);
        var alipayCertificates = new List<AlipayPublicCertificate>();
        try
        {
            foreach (var source in Source.All(options.AlipayPublicCert, options.AlipayPublicCertPath, AlipayPublicCertSetting, contentRoot))
            {
                AddAlipayCertificates(source, appPrivateKey, now, alipayCertificates);
            }
        }
        catch
        {
            Dispose(alipayCertificates);
            throw;
        }

        return new AlipayCertificateMode(appCert, rootCertSn, alipayCertificates);
    }

    public void Dispose() => Dispose(AlipayPublicCertificates);

    private static (string Sn, DateTime NotAfter) ReadAppCert(Source source, RSA appPrivateKey, DateTimeOffset now)
    {
        var certificates = AlipayCertificates.ReadPem(source.Text, source.Label);
        try
        {
            // The official SDKs take the file's first certificate.
            var certificate = certificates[0];
            CheckValidity(certificate, source, now);
            using var key = certificate.GetRSAPublicKey() ?? throw source.Error("is not an RSA certificate: Alipay's application certificates are RSA2");
            if (!AlipayKeys.ArePair(appPrivateKey, key))
            {
                throw source.Error(
                    "is not the certificate of Alipay:AppPrivateKey: its public key differs. Download the 应用公钥证书 made from this private key's CSR, or configure the private key it was made for");
            }

            return (AlipayCertificates.CertSn(certificate), certificate.NotAfter.ToUniversalTime());
        }
        finally
        {
            AlipayCertificates.Dispose(certificates);
        }
    }

    private static string ReadRootCertSn(Source source, DateTimeOffset now)
    {
        var certificates = AlipayCertificates.ReadPem(source.Text, source.Label);
        try
        {
            var rsaSigned = certificates.Where(AlipayCertificates.IsRsaSigned).ToList();
            if (rsaSigned.Count == 0)
            {
                throw source.Error("holds no RSA-signed certificate (sha1WithRSA, sha256WithRSA…), so it gives no alipay_root_cert_sn: use 支付宝根证书 (alipayRootCert.crt) as downloaded");
            }

            foreach (var certificate in rsaSigned)
            {
                CheckValidity(certificate, source, now);
            }

            return AlipayCertificates.RootCertSn(certificates);
        }
        finally
        {
            AlipayCertificates.Dispose(certificates);
        }
    }

    /// <summary>
    /// The signing certificates of one source: those that are not a CA (a downloaded 支付宝公钥证书 holds its issuing CA
    /// after the certificate itself).
    /// </summary>
    private static void AddAlipayCertificates(Source source, RSA appPrivateKey, DateTimeOffset now, List<AlipayPublicCertificate> into)
    {
        var certificates = AlipayCertificates.ReadPem(source.Text, source.Label);
        try
        {
            var signing = certificates.Where(c => !IsCertificateAuthority(c)).ToList();
            if (signing.Count == 0)
            {
                throw source.Error("holds only CA certificates, which looks like the root certificate (支付宝根证书): it wants 支付宝公钥证书 (alipayCertPublicKey_RSA2.crt)");
            }

            foreach (var certificate in signing)
            {
                CheckValidity(certificate, source, now);
                var key = certificate.GetRSAPublicKey() ?? throw source.Error("holds a certificate that is not RSA: Alipay's certificates are RSA2");
                if (key.KeySize < AlipayKeys.MinimumKeySize)
                {
                    var size = key.KeySize;
                    key.Dispose();
                    throw source.Error($"holds a certificate on a {size}-bit key; RSA keys under {AlipayKeys.MinimumKeySize} bits are refused, as in public-key mode (Alipay's RSA2 certificates are 2048-bit)");
                }

                if (AlipayKeys.ArePair(appPrivateKey, key))
                {
                    key.Dispose();
                    throw source.Error("is your own application certificate (应用公钥证书), not Alipay's (支付宝公钥证书)");
                }

                var sn = AlipayCertificates.CertSn(certificate);
                if (into.Any(c => c.Sn == sn))
                {
                    key.Dispose();
                    continue;
                }

                into.Add(new AlipayPublicCertificate(sn, key, certificate.NotAfter.ToUniversalTime()));
            }
        }
        finally
        {
            AlipayCertificates.Dispose(certificates);
        }
    }

    private static bool IsCertificateAuthority(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);

    private static void CheckValidity(X509Certificate2 certificate, Source source, DateTimeOffset now)
    {
        var subject = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (now.UtcDateTime > certificate.NotAfter.ToUniversalTime())
        {
            throw source.Error($"holds a certificate ({subject}) that expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC: download the current one from the open platform");
        }

        if (now.UtcDateTime < certificate.NotBefore.ToUniversalTime())
        {
            throw source.Error($"holds a certificate ({subject}) that is not valid before {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} UTC: check the server's clock");
        }
    }

    private static void Dispose(IEnumerable<AlipayPublicCertificate> certificates)
    {
        foreach (var certificate in certificates)
        {
            certificate.PublicKey.Dispose();
        }
    }

    /// <summary>One setting's text and where it came from, for messages that name both.</summary>
    private sealed record Source(string Setting, string Where, string Text)
    {
        public static Source Of(string? inline, string? path, string setting, string contentRoot) =>
            string.IsNullOrWhiteSpace(path)
                ? new(setting, "", AlipayCredentials.ReadKey(inline, path, setting, contentRoot))
                : new(setting + "Path", $" ('{Path.GetFullPath(Path.Combine(contentRoot, path))}')", AlipayCredentials.ReadKey(inline, path, setting, contentRoot));

        /// <summary>The inline value, or each of the files a path setting lists (separated by <c>;</c>).</summary>
        public static IEnumerable<Source> All(string? inline, string? paths, string setting, string contentRoot)
        {
            if (string.IsNullOrWhiteSpace(paths))
            {
                return [Of(inline, null, setting, contentRoot)];
            }

            if (!string.IsNullOrWhiteSpace(inline))
            {
                AlipayCredentials.ReadKey(inline, paths, setting, contentRoot); // refuses both being set, with its message
            }

            return paths.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(path => Of(null, path, setting, contentRoot)).ToList();
        }

        public string Label => Setting + Where;

        public AlipayKeyException Error(string what) => new($"{Label} {what}.");
    }
}
