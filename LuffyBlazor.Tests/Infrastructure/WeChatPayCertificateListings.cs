using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using LuffyBlazor.Features.Payments.WeChat;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>A platform certificate made for a test: its key (to sign as WeChat would), its serial and its PEM.</summary>
public sealed record TestPlatformCertificate(RSA Key, string Serial, string Pem, DateTimeOffset NotBefore, DateTimeOffset NotAfter)
{
    public static TestPlatformCertificate Issue(DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Tenpay.com test platform certificate", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(notBefore, notAfter);
        return new(key, certificate.SerialNumber.ToUpperInvariant(), certificate.ExportCertificatePem(), notBefore, notAfter);
    }

    /// <summary>The four Wechatpay-* headers for <paramref name="body"/>, signed with this certificate's key at <paramref name="at"/>.</summary>
    public WeChatPaySignedHeaders Sign(string body, DateTimeOffset at)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = WeChatPaySignature.NewNonce();
        return new(timestamp, nonce, WeChatPaySignature.Sign(WeChatPaySignature.ResponseMessage(timestamp, nonce, body), Key), Serial);
    }
}

/// <summary><c>GET /v3/certificates</c> answers as WeChat gives them, built independently of the simulator.</summary>
public static class WeChatPayCertificateListings
{
    /// <summary>The listing's body: each certificate sealed with <paramref name="apiV3Key"/>; <paramref name="tamper"/> flips a ciphertext byte of those serials.</summary>
    public static string Body(string apiV3Key, IEnumerable<TestPlatformCertificate> certificates, params string[] tamper) => JsonSerializer.Serialize(new
    {
        data = certificates.Select(c =>
        {
            var nonce = WeChatPaySignature.NewNonce()[..12];
            var ciphertext = WeChatPayAead.Encrypt(apiV3Key, nonce, "certificate", c.Pem);
            if (tamper.Contains(c.Serial))
            {
                var bytes = Convert.FromBase64String(ciphertext);
                bytes[10] ^= 0x01;
                ciphertext = Convert.ToBase64String(bytes);
            }

            return new
            {
                serial_no = c.Serial,
                effective_time = WeChatPayTime.Format(c.NotBefore),
                expire_time = WeChatPayTime.Format(c.NotAfter),
                encrypt_certificate = new { algorithm = WeChatPayAead.Algorithm, nonce, associated_data = "certificate", ciphertext },
            };
        }),
    });

    /// <summary>The whole answer, signed by <paramref name="signer"/> at <paramref name="at"/>.</summary>
    public static WeChatPaySignedAnswer Answer(DateTimeOffset at, TestPlatformCertificate signer, IEnumerable<TestPlatformCertificate> listed, params string[] tamper)
    {
        var body = Body(WeChatPayTestKeys.ApiV3Key, listed, tamper);
        return new(200, body, signer.Sign(body, at));
    }
}
