using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Payments.Alipay;

namespace LuffyBlazor.Features.Payments.Simulator;

/// <summary>
/// What the simulated Alipay holds: the merchant's application public key (to verify requests) and its own private
/// key (to sign notifies, returns and answers). Signing goes through <see cref="AlipaySignature"/> like everything
/// else, so the simulator and the client can never disagree on the scheme by accident.
/// </summary>
public sealed class SimulatorSigner : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private SimulatorSigner(RSA appPublicKey, RSA alipayPrivateKey, SimulatorCertificateSns? certificates)
    {
        AppPublicKey = appPublicKey;
        AlipayPrivateKey = alipayPrivateKey;
        Certificates = certificates;
    }

    public RSA AppPublicKey { get; }
    public RSA AlipayPrivateKey { get; }

    /// <summary>Certificate mode: the SNs requests must carry and answers name; null in public-key mode.</summary>
    public SimulatorCertificateSns? Certificates { get; }

    /// <param name="certificatesDirectory">In certificate mode, where <see cref="SimulatorCertificates"/> issued its files.</param>
    public static SimulatorSigner Load(string appPublicKeyPath, string alipayPrivateKeyPath, string? certificatesDirectory = null)
    {
        var appPublic = AlipayKeys.ImportPublicKey(Read(appPublicKeyPath, "Alipay:Simulator:AppPublicKeyPath"), "Alipay:Simulator:AppPublicKeyPath");
        try
        {
            return new SimulatorSigner(appPublic, AlipayKeys.ImportPrivateKey(
                Read(alipayPrivateKeyPath, "Alipay:Simulator:AlipayPrivateKeyPath"), "Alipay:Simulator:AlipayPrivateKeyPath"),
                certificatesDirectory is null ? null : SimulatorCertificates.Read(certificatesDirectory));
        }
        catch
        {
            appPublic.Dispose();
            throw;
        }
    }

    /// <summary>A merchant request's signature: every parameter but <c>sign</c>, with the application public key.</summary>
    public bool VerifyRequest(IReadOnlyList<KeyValuePair<string, string>> parameters, AlipaySignType signType)
    {
        var sign = parameters.FirstOrDefault(p => p.Key == "sign").Value;
        return AlipaySignature.Verify(AlipaySignature.BuildSignContent(parameters, keepSignType: true), sign, AppPublicKey, signType);
    }

    /// <summary>Signs a notify or return the way Alipay does: without <c>sign</c> and <c>sign_type</c> (empty values in), then adds both.</summary>
    public List<KeyValuePair<string, string>> SignCallback(List<KeyValuePair<string, string>> fields)
    {
        var sign = AlipaySignature.Sign(AlipaySignature.BuildCallbackSignContent(fields, keepSignType: false), AlipayPrivateKey);
        fields.Add(new("sign", sign));
        fields.Add(new("sign_type", "RSA2"));
        return fields;
    }

    /// <summary>
    /// <c>{"x_y_response":{...},"sign":"..."}</c>, signed over the node's text exactly as written; in certificate mode
    /// with <c>alipay_cert_sn</c> between the two, naming the certificate to verify it with.
    /// </summary>
    public string SignedAnswer(string method, object node)
    {
        var text = JsonSerializer.Serialize(node, Json);
        var name = method.Replace('.', '_') + "_response";
        var certSn = Certificates is { } certificates ? $",\"alipay_cert_sn\":\"{certificates.AlipayCertSn}\"" : "";
        return $"{{\"{name}\":{text}{certSn},\"sign\":\"{AlipaySignature.Sign(text, AlipayPrivateKey)}\"}}";
    }

    public void Dispose()
    {
        AppPublicKey.Dispose();
        AlipayPrivateKey.Dispose();
    }

    private static string Read(string path, string setting) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new AlipayKeyException($"{setting}: the file '{path}' does not exist.");
}

/// <summary>Identifiers shaped like Alipay's, so that what the app stores looks like the real thing.</summary>
public static class SimulatorIds
{
    /// <summary>28 digits: the Beijing date, 22001, 15 random digits (e.g. 2026112522001446870500012345).</summary>
    public static string TradeNo(DateTimeOffset now) => Date(now) + "22001" + Digits(15);

    /// <summary>yyyyMMdd00222HHmmss plus random digits, 34 characters.</summary>
    public static string NotifyId(DateTimeOffset now) =>
        Date(now) + "00222" + now.ToOffset(BeijingTime.Offset).ToString("HHmmss", CultureInfo.InvariantCulture) + Digits(15);

    private static string Date(DateTimeOffset now) => now.ToOffset(BeijingTime.Offset).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string Digits(int count)
    {
        var text = new StringBuilder(count);
        for (var i = 0; i < count; i++)
        {
            text.Append((char)('0' + RandomNumberGenerator.GetInt32(10)));
        }

        return text.ToString();
    }
}
