using System.Security.Cryptography;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Tests.Infrastructure;

namespace LuffyBlazor.Tests.Payments.Alipay;

public sealed class AlipaySignatureTests
{
    private static KeyValuePair<string, string> P(string key, string value) => KeyValuePair.Create(key, value);

    [Fact]
    public void The_sign_string_sorts_keys_ordinally_drops_sign_and_empty_values_and_does_not_encode()
    {
        var content = AlipaySignature.BuildSignContent(
        [
            P("timestamp", "2026-11-25 16:30:05"), P("sign", "xxx"), P("Zeta", "upper-case sorts first"), P("biz_content", "{\"a\":\"b&c=d+e/f 路飞\"}"),
            P("empty", ""), P("app_id", "2021"), P("sign_type", "RSA2"), P("a_b", "1"), P("a", "2"),
        ], keepSignType: true);

        Assert.Equal("Zeta=upper-case sorts first&a=2&a_b=1&app_id=2021&biz_content={\"a\":\"b&c=d+e/f 路飞\"}&sign_type=RSA2&timestamp=2026-11-25 16:30:05", content);
    }

    [Fact]
    public void Notifies_leave_sign_type_out_of_the_sign_string()
    {
        var content = AlipaySignature.BuildSignContent([P("sign_type", "RSA2"), P("b", "2"), P("a", "1"), P("sign", "s")], keepSignType: false);

        Assert.Equal("a=1&b=2", content);
    }

    [Fact]
    public void The_callback_sign_string_keeps_empty_values_as_the_official_sdks_verify_them()
    {
        KeyValuePair<string, string>[] form = [P("b", "2"), P("passback_params", ""), P("a", "1"), P("sign", "s"), P("sign_type", "RSA2"), P("", "x")];

        Assert.Equal("a=1&b=2&passback_params=", AlipaySignature.BuildCallbackSignContent(form, keepSignType: false));
        Assert.Equal("a=1&b=2&passback_params=&sign_type=RSA2", AlipaySignature.BuildCallbackSignContent(form, keepSignType: true));
        Assert.Equal("a=1&b=2", AlipaySignature.BuildSignContent(form, keepSignType: false));
    }

    [Fact]
    public void Nothing_to_sign_gives_an_empty_string()
    {
        Assert.Equal("", AlipaySignature.BuildSignContent([P("sign", "s"), P("x", "")], keepSignType: false));
    }

    [Fact]
    public void Rsa2_signatures_match_openssl_byte_for_byte()
    {
        var vector = AlipayTestKeys.Vectors.GetProperty("page_pay");

        var sign = AlipaySignature.Sign(vector.GetProperty("sign_content").GetString()!, AlipayTestKeys.AppPrivateKey);

        Assert.Equal(vector.GetProperty("sign").GetString(), sign);
    }

    [Fact]
    public void The_notify_vector_verifies_and_any_change_to_it_does_not()
    {
        var vector = AlipayTestKeys.Vectors.GetProperty("notify");
        var form = vector.GetProperty("form").EnumerateObject().Select(p => P(p.Name, p.Value.GetString()!)).ToList();
        var content = AlipaySignature.BuildSignContent(form, keepSignType: false);
        var sign = form.Single(p => p.Key == "sign").Value;

        Assert.Equal(vector.GetProperty("sign_content").GetString(), content);
        Assert.True(AlipaySignature.Verify(content, sign, AlipayTestKeys.AlipayPublicKey));
        Assert.False(AlipaySignature.Verify(content.Replace("total_amount=0.01", "total_amount=0.02"), sign, AlipayTestKeys.AlipayPublicKey));
        Assert.False(AlipaySignature.Verify(content, sign, AlipayTestKeys.AppPublicKey));
        Assert.False(AlipaySignature.Verify(content, sign, AlipayTestKeys.AlipayPublicKey, AlipaySignType.RSA));
    }

    [Fact]
    public void Legacy_rsa_sha1_signatures_verify_when_asked_for()
    {
        var vector = AlipayTestKeys.Vectors.GetProperty("legacy_rsa_sha1");
        var content = vector.GetProperty("sign_content").GetString()!;
        var sign = vector.GetProperty("sign").GetString()!;

        Assert.True(AlipaySignature.Verify(content, sign, AlipayTestKeys.AlipayPublicKey, AlipaySignType.RSA));
        Assert.False(AlipaySignature.Verify(content, sign, AlipayTestKeys.AlipayPublicKey, AlipaySignType.RSA2));
        Assert.Equal(sign, AlipaySignature.Sign(content, AlipayTestKeys.AlipayPrivateKey, AlipaySignType.RSA));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64 at all!")]
    [InlineData("QUJD")]
    [InlineData("====")]
    public void Malformed_signatures_are_simply_invalid(string? signature)
    {
        Assert.False(AlipaySignature.Verify("a=1", signature, AlipayTestKeys.AlipayPublicKey));
    }

    [Fact]
    public void An_oversized_signature_is_invalid_without_being_decoded()
    {
        Assert.False(AlipaySignature.Verify("a=1", new string('A', 100_000), AlipayTestKeys.AlipayPublicKey));
    }

    [Fact]
    public void Long_content_and_large_keys_take_the_pooled_path()
    {
        using var key = RSA.Create(4096);
        var content = string.Concat(Enumerable.Repeat("路飞学城-Python 全栈开发&", 400));

        var sign = AlipaySignature.Sign(content, key);

        Assert.Equal(512, Convert.FromBase64String(sign).Length);
        Assert.True(AlipaySignature.Verify(content, sign, key));
    }

    [Fact]
    public async Task One_imported_key_signs_and_verifies_correctly_from_many_threads_at_once()
    {
        var contents = Enumerable.Range(0, 400).Select(i => $"out_trade_no=T{i}&total_amount={i}.00&subject=路飞{i}").ToArray();
        var expected = contents.Select(c => AlipaySignature.Sign(c, AlipayTestKeys.AppPrivateKey)).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            var ok = true;
            for (var i = worker; i < contents.Length; i += 8)
            {
                ok &= AlipaySignature.Sign(contents[i], AlipayTestKeys.AppPrivateKey) == expected[i];
                ok &= AlipaySignature.Verify(contents[i], expected[i], AlipayTestKeys.AppPublicKey);
                ok &= !AlipaySignature.Verify(contents[i] + "x", expected[i], AlipayTestKeys.AppPublicKey);
            }

            return ok;
        })));

        Assert.All(results, Assert.True);
    }

    [Theory]
    [InlineData("RSA2", true, AlipaySignType.RSA2)]
    [InlineData("RSA", true, AlipaySignType.RSA)]
    [InlineData("rsa2", false, AlipaySignType.RSA2)]
    [InlineData("SM2", false, AlipaySignType.RSA2)]
    [InlineData("", false, AlipaySignType.RSA2)]
    public void Sign_types_are_read_exactly(string text, bool known, AlipaySignType expected)
    {
        Assert.Equal(known, AlipaySignature.TryParseSignType(text, out var type));
        if (known)
        {
            Assert.Equal(expected, type);
        }
    }
}
