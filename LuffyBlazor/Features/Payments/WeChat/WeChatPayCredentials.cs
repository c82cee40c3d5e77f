using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LuffyBlazor.Features.Payments.WeChat;

/// <summary>A configured WeChat Pay key or certificate that cannot be used. The message names the setting, never the key.</summary>
public sealed class WeChatPayKeyException(string message) : Exception(message);

/// <summary>
/// The merchant's signing key and WeChat's verifying keys, by the serial WeChat names in <c>Wechatpay-Serial</c>: the
/// public key's <c>PUB_KEY_ID_…</c> (公钥模式) and/or each platform certificate's serial number (平台证书, several
/// during a rotation). Imported once at start-up; signing and verifying never change them.
/// </summary>
public sealed class WeChatPayCredentials : IDisposable
{
    public WeChatPayCredentials(RSA merchantPrivateKey, IReadOnlyDictionary<string, RSA> platformKeys)
    {
        MerchantPrivateKey = merchantPrivateKey;
        PlatformKeys = platformKeys;
    }

    public RSA MerchantPrivateKey { get; }

    /// <summary>Serial (public key id or certificate serial, upper-case hex) → WeChat's public key.</summary>
    public IReadOnlyDictionary<string, RSA> PlatformKeys { get; }

    public RSA? PlatformKey(string? serial) =>
        serial is not null && PlatformKeys.TryGetValue(serial.Trim(), out var key) ? key : null;

    public static WeChatPayCredentials Load(WeChatPayOptions options, string contentRoot)
    {
        var merchant = ImportPrivateKey(
            Read(options.MerchantPrivateKey, options.MerchantPrivateKeyPath, contentRoot, "WeChatPay:MerchantPrivateKey", "WeChatPay:MerchantPrivateKeyPath"),
            "WeChatPay:MerchantPrivateKeyPath");
        var keys = new Dictionary<string, RSA>(StringComparer.OrdinalIgnoreCase);
        if (!string.IsNullOrWhiteSpace(options.PlatformPublicKeyId))
        {
            var text = Read(options.PlatformPublicKey, options.PlatformPublicKeyPath, contentRoot, "WeChatPay:PlatformPublicKey", "WeChatPay:PlatformPublicKeyPath");
            keys[options.PlatformPublicKeyId.Trim()] = ImportPublicKey(text, "WeChatPay:PlatformPublicKeyPath");
        }

        foreach (var path in options.PlatformCertificatePaths.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            var (serial, key) = ImportCertificate(ReadFile(path, contentRoot, "WeChatPay:PlatformCertificatePaths"), path);
            keys[serial] = key;
        }

        // Downloading certificates needs no key to start from: the download verifies with what it brings (the
        // certificates are sealed with the APIv3 key, which only WeChat and the merchant know).
        if (keys.Count == 0 && !options.DownloadPlatformCertificates)
        {
            throw new WeChatPayKeyException("WeChatPay:PlatformPublicKeyId and WeChatPay:PlatformPublicKeyPath (or WeChatPay:PlatformCertificatePaths, or WeChatPay:DownloadPlatformCertificates = true) are required: WeChat's answers and notifies cannot be verified without them.");
        }

        return new WeChatPayCredentials(merchant, keys);
    }

    /// <summary>The certificate's serial number (upper-case hex, as <c>Wechatpay-Serial</c> names it) and its public key.</summary>
    public static (string Serial, RSA Key) ImportCertificate(string pem, string where)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(pem);
            var key = certificate.GetRSAPublicKey()
                ?? throw new WeChatPayKeyException($"WeChatPay:PlatformCertificatePaths: {where} is not an RSA certificate.");
            return (certificate.SerialNumber.ToUpperInvariant(), key);
        }
        catch (CryptographicException)
        {
            throw new WeChatPayKeyException($"WeChatPay:PlatformCertificatePaths: {where} is not a PEM certificate (平台证书).");
        }
    }

    private static RSA ImportPrivateKey(string pem, string setting)
    {
        if (pem.Contains("PUBLIC KEY", StringComparison.Ordinal) || pem.Contains("CERTIFICATE", StringComparison.Ordinal))
        {
            throw new WeChatPayKeyException($"{setting} holds a public key or certificate: it must be the merchant API private key (apiclient_key.pem).");
        }

        return Checked(Import(pem, setting, "the merchant API private key (apiclient_key.pem, PEM)"), setting);
    }

    private static RSA ImportPublicKey(string pem, string setting)
    {
        if (pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            throw new WeChatPayKeyException($"{setting} holds a private key: it must be WeChat Pay's public key (微信支付公钥, pub_key.pem).");
        }

        return Checked(Import(pem, setting, "WeChat Pay's public key (pub_key.pem, PEM)"), setting);
    }

    private static RSA Import(string pem, string setting, string expected)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (ArgumentException)
        {
            rsa.Dispose();
            throw new WeChatPayKeyException($"{setting} is not {expected}.");
        }
    }

    private static RSA Checked(RSA rsa, string setting)
    {
        if (rsa.KeySize < 2048)
        {
            rsa.Dispose();
            throw new WeChatPayKeyException($"{setting} is an RSA key of {rsa.KeySize} bits; WeChat Pay's keys are 2048 bits.");
        }

        return rsa;
    }

    private static string Read(string? inline, string? path, string contentRoot, string inlineSetting, string pathSetting) =>
        !string.IsNullOrWhiteSpace(inline) ? inline
        : !string.IsNullOrWhiteSpace(path) ? ReadFile(path, contentRoot, pathSetting)
        : throw new WeChatPayKeyException($"{pathSetting} (or {inlineSetting}) is required when WeChatPay:MchId is set.");

    private static string ReadFile(string path, string contentRoot, string setting)
    {
        var full = Path.GetFullPath(path, contentRoot);
        return File.Exists(full) ? File.ReadAllText(full) : throw new WeChatPayKeyException($"{setting}: the file {full} does not exist.");
    }

    public void Dispose()
    {
        MerchantPrivateKey.Dispose();
        foreach (var key in PlatformKeys.Values)
        {
            key.Dispose();
        }
    }
}
