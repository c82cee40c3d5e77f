using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Payments.WeChat;

namespace LuffyBlazor.Features.Payments.WeChatSimulator;

/// <summary>
/// The simulated WeChat Pay's platform certificates (平台证书): two self-signed certificates with their own keys, issued
/// into <c>keys/</c> on first use. The first is the one in force; during a rotation
/// (<c>WeChatPay:Simulator:RotateCertificates</c>, or <see cref="Rotating"/> set while running) both are listed and
/// the second signs, as WeChat does when it replaces a certificate before the old one expires.
/// </summary>
public sealed class WeChatSimulatorCertificates : IDisposable
{
    public const string FirstCertificateFile = "wechatpay_platform_cert1.pem";
    public const string SecondCertificateFile = "wechatpay_platform_cert2.pem";

    /// <summary>The associated_data WeChat seals certificates with.</summary>
    public const string AssociatedData = "certificate";

    private readonly Issued first;
    private readonly Issued second;

    public WeChatSimulatorCertificates(string keysDirectory, bool rotating, TimeProvider clock)
    {
        first = Issue(keysDirectory, FirstCertificateFile, clock.GetUtcNow().AddDays(-1));
        second = Issue(keysDirectory, SecondCertificateFile, clock.GetUtcNow().AddMinutes(-10));
        Rotating = rotating;
    }

    // Flipped by a test or an operator while requests are being signed.
    private volatile bool rotating;

    public bool Rotating
    {
        get => rotating;
        set => rotating = value;
    }

    /// <summary>The key answers and notifies are signed with, and the serial named in <c>Wechatpay-Serial</c>.</summary>
    public (RSA Key, string Serial) Signing => Rotating ? (second.Key, second.Serial) : (first.Key, first.Serial);

    /// <summary>The serials listed now, oldest first.</summary>
    public IReadOnlyList<string> Serials => Listed().Select(c => c.Serial).ToList();

    /// <summary><c>GET /v3/certificates</c>'s answer: each certificate's PEM sealed with the APIv3 key.</summary>
    public object Listing(string apiV3Key) => new
    {
        data = Listed().Select(c =>
        {
            var nonce = WeChatPaySignature.NewNonce()[..12];
            return new
            {
                serial_no = c.Serial,
                effective_time = WeChatPayTime.Format(c.NotBefore),
                expire_time = WeChatPayTime.Format(c.NotAfter),
                encrypt_certificate = new
                {
                    algorithm = WeChatPayAead.Algorithm, nonce, associated_data = AssociatedData,
                    ciphertext = WeChatPayAead.Encrypt(apiV3Key, nonce, AssociatedData, c.Pem),
                },
            };
        }).ToList(),
    };

    private IEnumerable<Issued> Listed() => Rotating ? [first, second] : [first];

    /// <summary>The certificate <paramref name="file"/> and its key pair beside it, made when missing (valid five years).</summary>
    private static Issued Issue(string directory, string file, DateTimeOffset notBefore)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        var keyPath = Path.Combine(directory, name + "_private_key.pem");
        KeysDirectory.EnsureRsaPair(keyPath, Path.Combine(directory, name + "_public_key.pem"));
        var key = RSA.Create();
        key.ImportFromPem(File.ReadAllText(keyPath));
        var certificatePath = Path.Combine(directory, file);
        if (!File.Exists(certificatePath))
        {
            var request = new CertificateRequest(
                "CN=Tenpay.com (LuffyBlazor 模拟平台证书), O=LuffyBlazor, C=CN", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            // 20 bytes, the first 0x10–0x7F: 40 hex digits without a leading zero, like WeChat's serials.
            var serial = RandomNumberGenerator.GetBytes(20);
            serial[0] = (byte)(0x10 + serial[0] % 0x70);
            using var created = request.Create(request.SubjectName, X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1),
                notBefore, notBefore.AddYears(5), serial);
            KeysDirectory.WriteSecret(certificatePath, created.ExportCertificatePem() + "\n");
        }

        var pem = File.ReadAllText(certificatePath);
        using var certificate = X509Certificate2.CreateFromPem(pem);
        return new(key, certificate.SerialNumber.ToUpperInvariant(), certificate.NotBefore, certificate.NotAfter, pem);
    }

    public void Dispose()
    {
        first.Key.Dispose();
        second.Key.Dispose();
    }

    private sealed record Issued(RSA Key, string Serial, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string Pem);
}
