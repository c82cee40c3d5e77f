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
    /// <summary>RSA keys under 2048 bits are refused, both ours and Alipay's: RSA2 is specified for 2048, and 1024 is breakable.</summary>
    public const int MinimumKeySize = 2048;

    private static readonly Func<RSA, byte[], bool>[] PrivateForms =
        [(rsa, der) => TryImport(() => rsa.ImportPkcs8PrivateKey(der, out _)), (rsa, der) => TryImport(() => rsa.ImportRSAPrivateKey(der, out _))];

    private static readonly Func<RSA, byte[], bool>[] PublicForms =
        [(rsa, der) => TryImport(() => rsa.ImportSubjectPublicKeyInfo(der, out _)), (rsa, der) => TryImport(() => rsa.ImportRSAPublicKey(der, out _))];

    public static RSA ImportPrivateKey(string text, string setting)
    {
        var wrongKind = $"{setting} holds a public key, not a private key: use the application private key (应用私钥) that you generated.";
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

        return ImportDer(DecodeBase64(pem, setting), setting, PrivateForms, PublicForms, wrongKind,
            $"{setting} is not an RSA private key (expected PEM or one-line base64 PKCS#8/PKCS#1).");
    }

    public static RSA ImportPublicKey(string text, string setting)
    {
        var wrongKind = $"{setting} holds a private key: it must be Alipay's public key (支付宝公钥), and a private key must never be configured there.";
        var pem = text.Trim();
        if (pem.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            if (pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
            {
                throw new AlipayKeyException(wrongKind);
            }

            if (pem.Contains("CERTIFICATE", StringComparison.Ordinal))
            {
                throw new AlipayKeyException($"{setting} holds a certificate: for certificate mode (公钥证书) set Alipay:AlipayPublicCertPath, Alipay:AppCertPath and Alipay:AlipayRootCertPath instead, or use Alipay's public key (公钥模式).");
            }

            return Checked(ImportPem(pem, setting, "public"), setting);
        }

        return ImportDer(DecodeBase64(pem, setting), setting, PublicForms, PrivateForms, wrongKind,
            $"{setting} is not an RSA public key (expected PEM or one-line base64 SubjectPublicKeyInfo).");
    }

    /// <summary>Bare base64 carries no header: try the forms expected, then the forms people paste by mistake.</summary>
    private static RSA ImportDer(
        byte[] der, string setting, Func<RSA, byte[], bool>[] expected, Func<RSA, byte[], bool>[] mistaken, string wrongKind, string notAKey)
    {
        var rsa = RSA.Create();
        if (expected.Any(import => import(rsa, der)))
        {
            return Checked(rsa, setting);
        }

        var mistake = mistaken.Any(import => import(rsa, der));
        rsa.Dispose();
        throw new AlipayKeyException(mistake ? wrongKind : notAKey);
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
            throw new AlipayKeyException(
                $"{setting} is a {size}-bit key; RSA keys under {MinimumKeySize} bits are refused (RSA2 needs 2048 bits; a legacy 1024-bit account must move to RSA2 with a new 2048-bit key pair).");
        }

        return rsa;
    }
}
