using System.Security.Cryptography;

namespace LuffyBlazor.Features.Payments.Alipay;

/// <summary>A configured key that cannot be used. The message names the setting and says why, never the key.</summary>
public sealed class AlipayKeyException(string message) : Exception(message);

/// <summary>
/// Reads RSA keys in every form people paste from Alipay's key tool or OpenSSL: PEM PKCS#8
/// (<c>BEGIN PRIVATE KEY</c>), PEM PKCS#1 (<c>BEGIN RSA PRIVATE KEY</c>), bare one-line base64 of either, and the
/// same for public keys (SubjectPublicKeyInfo or PKCS#1). Errors name the setting and the mistake.
/// </summary>
public static class AlipayKeys
{
    public const int MinimumKeySize = 1024;

    public static RSA ImportPrivateKey(string text, string setting)
    {
        var pem = text.Trim();
        if (pem.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            if (pem.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal))
            {
                throw new AlipayKeyException($"{setting} is password-protected; export the application private key without a password.");
            }

            if (pem.Contains("PUBLIC KEY", StringComparison.Ordinal) || pem.Contains("CERTIFICATE", StringComparison.Ordinal))
            {
                throw new AlipayKeyException($"{setting} holds a public key or certificate, not a private key: use the application private key (应用私钥) that you generated.");
            }

            return Checked(ImportPem(pem, setting, "private"), setting);
        }

        var der = DecodeBase64(pem, setting);
        var rsa = RSA.Create();
        try
        {
            if (TryImport(() => rsa.ImportPkcs8PrivateKey(der, out _)) || TryImport(() => rsa.ImportRSAPrivateKey(der, out _)))
            {
                return Checked(rsa, setting);
            }

            if (TryImport(() => rsa.ImportSubjectPublicKeyInfo(der, out _)) || TryImport(() => rsa.ImportRSAPublicKey(der, out _)))
            {
                throw new AlipayKeyException($"{setting} holds a public key, not a private key: use the application private key (应用私钥) that you generated.");
            }
        }
        catch
        {
            rsa.Dispose();
            throw;
        }

        rsa.Dispose();
        throw new AlipayKeyException($"{setting} is not an RSA private key (expected PEM or one-line base64 PKCS#8/PKCS#1).");
    }

    public static RSA ImportPublicKey(string text, string setting)
    {
        var pem = text.Trim();
        if (pem.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            if (pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
            {
                throw new AlipayKeyException($"{setting} holds a private key: it must be Alipay's public key (支付宝公钥), and a private key must never be configured there.");
            }

            if (pem.Contains("CERTIFICATE", StringComparison.Ordinal))
            {
                throw new AlipayKeyException($"{setting} holds a certificate: certificate mode (公钥证书) is not supported; switch the app to public-key mode (公钥模式) and use Alipay's public key.");
            }

            return Checked(ImportPem(pem, setting, "public"), setting);
        }

        var der = DecodeBase64(pem, setting);
        var rsa = RSA.Create();
        try
        {
            if (TryImport(() => rsa.ImportSubjectPublicKeyInfo(der, out _)) || TryImport(() => rsa.ImportRSAPublicKey(der, out _)))
            {
                return Checked(rsa, setting);
            }

            if (TryImport(() => rsa.ImportPkcs8PrivateKey(der, out _)) || TryImport(() => rsa.ImportRSAPrivateKey(der, out _)))
            {
                throw new AlipayKeyException($"{setting} holds a private key: it must be Alipay's public key (支付宝公钥), and a private key must never be configured there.");
            }
        }
        catch
        {
            rsa.Dispose();
            throw;
        }

        rsa.Dispose();
        throw new AlipayKeyException($"{setting} is not an RSA public key (expected PEM or one-line base64 SubjectPublicKeyInfo).");
    }

    /// <summary>True when both keys are halves of one pair (compares the public modulus and exponent).</summary>
    public static bool ArePair(RSA privateKey, RSA publicKey)
    {
        var a = privateKey.ExportParameters(false);
        var b = publicKey.ExportParameters(false);
        return a.Modulus.AsSpan().SequenceEqual(b.Modulus) && a.Exponent.AsSpan().SequenceEqual(b.Exponent);
    }

    private static RSA ImportPem(string pem, string setting, string kind)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new AlipayKeyException($"{setting} is not a readable RSA {kind} key PEM ({ex.GetType().Name}): check that it was copied whole, header and footer included.");
        }
    }

    private static byte[] DecodeBase64(string text, string setting)
    {
        // Alipay's key tool writes one line; people paste it wrapped, or with stray spaces and quotes.
        var compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c) && c != '"'));
        if (compact.Length == 0)
        {
            throw new AlipayKeyException($"{setting} is empty.");
        }

        try
        {
            return Convert.FromBase64String(compact);
        }
        catch (FormatException)
        {
            throw new AlipayKeyException($"{setting} is neither PEM nor base64: paste the key exactly as Alipay's key tool shows it.");
        }
    }

    private static bool TryImport(Action import)
    {
        try
        {
            import();
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static RSA Checked(RSA rsa, string setting)
    {
        if (rsa.KeySize < MinimumKeySize)
        {
            var size = rsa.KeySize;
            rsa.Dispose();
            throw new AlipayKeyException($"{setting} is a {size}-bit key; Alipay needs RSA keys of 2048 bits (RSA2).");
        }

        return rsa;
    }
}
