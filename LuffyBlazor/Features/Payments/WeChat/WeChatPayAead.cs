using System.Security.Cryptography;
using System.Text;

namespace LuffyBlazor.Features.Payments.WeChat;

/// <summary>A notify's <c>resource</c> that cannot be decrypted: wrong key, tampered, or not AEAD_AES_256_GCM.</summary>
public sealed class WeChatPayDecryptionException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// <c>AEAD_AES_256_GCM</c> as APIv3 uses it for notify resources and platform certificates: the key is the 32-byte
/// APIv3 key (as ASCII), the nonce the resource's 12-character <c>nonce</c>, the associated data its
/// <c>associated_data</c> (may be empty), and <c>ciphertext</c> is base64 of the encrypted bytes followed by the
/// 16-byte tag.
/// </summary>
public static class WeChatPayAead
{
    public const string Algorithm = "AEAD_AES_256_GCM";
    private const int TagSize = 16;

    public static string Decrypt(string apiV3Key, string nonce, string? associatedData, string ciphertext)
    {
        byte[] sealedBytes;
        try
        {
            sealedBytes = Convert.FromBase64String(ciphertext);
        }
        catch (FormatException ex)
        {
            throw new WeChatPayDecryptionException("resource.ciphertext is not base64", ex);
        }

        if (sealedBytes.Length < TagSize)
        {
            throw new WeChatPayDecryptionException("resource.ciphertext is shorter than its tag");
        }

        var plaintext = new byte[sealedBytes.Length - TagSize];
        try
        {
            using var aes = new AesGcm(Key(apiV3Key), TagSize);
            aes.Decrypt(Encoding.UTF8.GetBytes(nonce), sealedBytes.AsSpan(0, plaintext.Length), sealedBytes.AsSpan(plaintext.Length),
                plaintext, Encoding.UTF8.GetBytes(associatedData ?? ""));
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new WeChatPayDecryptionException("resource does not decrypt with the APIv3 key (wrong key, nonce or associated_data, or tampered)", ex);
        }

        return Encoding.UTF8.GetString(plaintext);
    }

    /// <summary>What WeChat does: for the simulator and tests.</summary>
    public static string Encrypt(string apiV3Key, string nonce, string? associatedData, string plaintext)
    {
        var data = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[data.Length + TagSize];
        using var aes = new AesGcm(Key(apiV3Key), TagSize);
        aes.Encrypt(Encoding.UTF8.GetBytes(nonce), data, sealedBytes.AsSpan(0, data.Length), sealedBytes.AsSpan(data.Length),
            Encoding.UTF8.GetBytes(associatedData ?? ""));
        return Convert.ToBase64String(sealedBytes);
    }

    /// <summary>True for what APIv3 accepts as a key: exactly 32 bytes (WeChat's merchant platform takes 32 ASCII characters).</summary>
    public static bool IsValidKey(string? apiV3Key) => apiV3Key is not null && Encoding.UTF8.GetByteCount(apiV3Key) == 32;

    private static byte[] Key(string apiV3Key) =>
        IsValidKey(apiV3Key) ? Encoding.UTF8.GetBytes(apiV3Key) : throw new WeChatPayDecryptionException("the APIv3 key is not 32 bytes");
}
