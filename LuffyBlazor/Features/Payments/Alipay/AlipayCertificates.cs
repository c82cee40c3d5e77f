using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace LuffyBlazor.Features.Payments.Alipay;

/// <summary>
/// Certificate mode's serial numbers (SN) exactly as the official SDKs compute them (Node <c>alipay-sdk</c>'s
/// <c>antcertutil</c>, Java's <c>AntCertificationUtil</c>): the MD5, in lower-case hex, of the issuer's name followed
/// by the serial number in decimal. <c>app_cert_sn</c> is the SN of the application's certificate,
/// <c>alipay_cert_sn</c> that of Alipay's, and <c>alipay_root_cert_sn</c> the SNs of the RSA-signed certificates of
/// Alipay's root bundle joined by <c>_</c> (the bundle's SM2 and ECDSA roots do not count). A pure utility, checked
/// against certificates made by openssl and against the Node SDK.
/// </summary>
public static class AlipayCertificates
{
    /// <summary>PKCS #1 signature algorithms (sha1WithRSA, sha256WithRSA…): the roots the official SDKs count.</summary>
    public const string RsaSignatureOidPrefix = "1.2.840.113549.1.1";

    // The short names Node's certificate parser (@fidm/x509) knows; any other attribute is written "=value", as there.
    private static readonly Dictionary<string, string> ShortNames = new()
    {
        ["2.5.4.3"] = "CN", ["2.5.4.6"] = "C", ["2.5.4.7"] = "L", ["2.5.4.8"] = "ST", ["2.5.4.10"] = "O", ["2.5.4.11"] = "OU",
        ["1.2.840.113549.1.9.1"] = "E",
    };

    /// <summary>The certificate's SN: <c>md5(issuer name + decimal serial)</c>.</summary>
    public static string CertSn(X509Certificate2 certificate) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(IssuerName(certificate) + DecimalSerial(certificate))));

    /// <summary>The root bundle's SN: the SNs of its RSA-signed certificates, in file order, joined by <c>_</c>.</summary>
    public static string RootCertSn(IEnumerable<X509Certificate2> bundle) =>
        string.Join('_', bundle.Where(IsRsaSigned).Select(CertSn));

    public static bool IsRsaSigned(X509Certificate2 certificate) =>
        certificate.SignatureAlgorithm.Value?.StartsWith(RsaSignatureOidPrefix + ".", StringComparison.Ordinal) == true;

    /// <summary>
    /// The issuer's name as the Node SDK writes it: the attributes from the last to the first (so
    /// <c>CN=…,OU=…,O=…,C=CN</c> for Alipay's certificates), <c>short=value</c> joined by commas, nothing escaped, each
    /// value its bytes read as UTF-8.
    /// </summary>
    public static string IssuerName(X509Certificate2 certificate)
    {
        var attributes = new List<string>();
        var rdnSequence = new AsnReader(certificate.IssuerName.RawData, AsnEncodingRules.DER).ReadSequence();
        while (rdnSequence.HasData)
        {
            var set = rdnSequence.ReadSetOf();
            while (set.HasData)
            {
                var attribute = set.ReadSequence();
                var oid = attribute.ReadObjectIdentifier();
                var value = attribute.ReadEncodedValue();
                attributes.Add($"{ShortNames.GetValueOrDefault(oid, "")}={Encoding.UTF8.GetString(ContentOf(value.Span))}");
            }
        }

        attributes.Reverse();
        return string.Join(',', attributes);
    }

    /// <summary>
    /// The serial number in decimal. Serials are positive (RFC 5280), and then every SDK agrees; for a malformed
    /// negative one this follows the Node SDK: up to six bytes read as a signed number, longer ones as unsigned.
    /// </summary>
    public static string DecimalSerial(X509Certificate2 certificate)
    {
        var bytes = certificate.SerialNumberBytes.Span;
        return new BigInteger(bytes, isUnsigned: bytes.Length > 6, isBigEndian: true).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Every certificate in a PEM text (a root bundle holds several, an Alipay certificate file its issuing CA too).
    /// Anything that is not a certificate is refused with a message naming <paramref name="setting"/>.
    /// </summary>
    public static List<X509Certificate2> ReadPem(string text, string setting)
    {
        var certificates = new List<X509Certificate2>();
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label].ToString();
            if (label.Contains("PRIVATE KEY", StringComparison.Ordinal))
            {
                Dispose(certificates);
                throw new AlipayKeyException($"{setting} holds a private key, not a certificate: a private key must never be configured there.");
            }

            if (label is not ("CERTIFICATE" or "X509 CERTIFICATE" or "TRUSTED CERTIFICATE"))
            {
                Dispose(certificates);
                throw new AlipayKeyException($"{setting} holds a {label}, not a certificate (expected -----BEGIN CERTIFICATE-----).");
            }

            try
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(rest[fields.Base64Data].ToString())));
            }
            catch (Exception ex) when (ex is CryptographicException or FormatException)
            {
                Dispose(certificates);
                throw new AlipayKeyException($"{setting}: certificate {certificates.Count + 1} in it cannot be read ({ex.GetType().Name}): check that it was copied whole.");
            }

            rest = rest[fields.Location.End..];
        }

        if (certificates.Count == 0)
        {
            throw new AlipayKeyException($"{setting} holds no certificate (expected PEM: -----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----).");
        }

        return certificates;
    }

    public static void Dispose(IEnumerable<X509Certificate2> certificates)
    {
        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }
    }

    /// <summary>The content octets of one DER element (its tag and length skipped).</summary>
    private static ReadOnlySpan<byte> ContentOf(ReadOnlySpan<byte> element)
    {
        AsnDecoder.ReadEncodedValue(element, AsnEncodingRules.DER, out var contentOffset, out var contentLength, out _);
        return element.Slice(contentOffset, contentLength);
    }
}
