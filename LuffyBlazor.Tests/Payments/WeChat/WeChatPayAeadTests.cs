using LuffyBlazor.Features.Payments.WeChat;
using LuffyBlazor.Tests.Infrastructure;

namespace LuffyBlazor.Tests.Payments.WeChat;

/// <summary>AEAD_AES_256_GCM against a vector made with Python's cryptography (TestData/wechatpay_vectors.json).</summary>
public sealed class WeChatPayAeadTests
{
    private static readonly System.Text.Json.JsonElement Vector = WeChatPayTestKeys.Vectors.GetProperty("aead");
    private static string V(string name) => Vector.GetProperty(name).GetString()!;

    [Fact]
    public void The_vector_resource_decrypts_to_its_plaintext()
    {
        Assert.Equal(V("plaintext"), WeChatPayAead.Decrypt(V("api_v3_key"), V("nonce"), V("associated_data"), V("ciphertext")));
    }

    [Fact]
    public void Encrypting_the_plaintext_gives_the_vector_ciphertext()
    {
        Assert.Equal(V("ciphertext"), WeChatPayAead.Encrypt(V("api_v3_key"), V("nonce"), V("associated_data"), V("plaintext")));
    }

    [Theory]
    [InlineData("key")]
    [InlineData("nonce")]
    [InlineData("associated_data")]
    [InlineData("ciphertext")]
    public void Anything_changed_fails_to_decrypt(string changed)
    {
        var key = changed == "key" ? "ABCDEFGHIJabcdefghij0123456789xy" : V("api_v3_key");
        var nonce = changed == "nonce" ? "fdasflkja485" : V("nonce");
        var aad = changed == "associated_data" ? "refund" : V("associated_data");
        var bytes = Convert.FromBase64String(V("ciphertext"));
        if (changed == "ciphertext")
        {
            bytes[3] ^= 1;
        }

        Assert.Throws<WeChatPayDecryptionException>(() => WeChatPayAead.Decrypt(key, nonce, aad, Convert.ToBase64String(bytes)));
    }

    [Fact]
    public void A_key_that_is_not_32_bytes_is_refused_before_decrypting()
    {
        var ex = Assert.Throws<WeChatPayDecryptionException>(() => WeChatPayAead.Decrypt("short", V("nonce"), V("associated_data"), V("ciphertext")));

        Assert.Contains("32 bytes", ex.Message);
    }

    [Fact]
    public void Ciphertext_that_is_not_base64_is_named()
    {
        var ex = Assert.Throws<WeChatPayDecryptionException>(() => WeChatPayAead.Decrypt(V("api_v3_key"), V("nonce"), "", "not base64!"));

        Assert.Contains("not base64", ex.Message);
    }
}
