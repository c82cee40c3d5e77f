using LuffyBlazor.Features.Payments.WeChat;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Payments.WeChat;

/// <summary>APIv3 signatures and verification against vectors made with openssl (TestData/wechatpay_vectors.json).</summary>
public sealed class WeChatPaySignatureTests
{
    private static readonly System.Text.Json.JsonElement Request = WeChatPayTestKeys.Vectors.GetProperty("request");
    private static readonly System.Text.Json.JsonElement Response = WeChatPayTestKeys.Vectors.GetProperty("response");

    private static WeChatPayVerifier VerifierAt(DateTimeOffset now, WeChatPayOptions? options = null) =>
        new(WeChatPayTestKeys.Credentials(options), new FakeTimeProvider(now));

    private static WeChatPaySignedHeaders ResponseHeaders(string serial = WeChatPayTestKeys.PublicKeyId, string? signature = null) => new(
        Response.GetProperty("timestamp").GetString(), Response.GetProperty("nonce").GetString(),
        signature ?? Response.GetProperty("signature").GetString(), serial);

    private static DateTimeOffset ResponseTime => DateTimeOffset.FromUnixTimeSeconds(long.Parse(Response.GetProperty("timestamp").GetString()!));

    [Fact]
    public void A_request_message_is_method_path_timestamp_nonce_and_body_each_ending_in_a_line_feed()
    {
        var message = WeChatPaySignature.RequestMessage("post", Request.GetProperty("path").GetString()!, Request.GetProperty("timestamp").GetInt64(),
            Request.GetProperty("nonce").GetString()!, Request.GetProperty("body").GetString()!);

        Assert.Equal(Request.GetProperty("message").GetString(), message);
    }

    [Fact]
    public void A_request_is_signed_to_the_openssl_signature_byte_for_byte()
    {
        var signature = WeChatPaySignature.Sign(Request.GetProperty("message").GetString()!, WeChatPayTestKeys.MerchantPrivateKey);

        Assert.Equal(Request.GetProperty("signature").GetString(), signature);
    }

    [Fact]
    public void The_authorization_header_carries_the_scheme_and_every_field_quoted()
    {
        var header = WeChatPaySignature.Authorization("1230000109", "3775B6A4", 1764059405, "NONCE", "c2lnbg==");

        Assert.StartsWith("WECHATPAY2-SHA256-RSA2048 ", header);
        var fields = WeChatPaySignature.ParseAuthorization(header)!;
        Assert.Equal(("1230000109", "3775B6A4", "1764059405", "NONCE", "c2lnbg=="),
            (fields["mchid"], fields["serial_no"], fields["timestamp"], fields["nonce_str"], fields["signature"]));
    }

    [Fact]
    public void A_response_signed_by_openssl_verifies_with_the_public_key_its_serial_names()
    {
        Assert.Null(VerifierAt(ResponseTime).Refusal(ResponseHeaders(), Response.GetProperty("body").GetString()!));
    }

    [Fact]
    public void A_response_whose_body_was_changed_does_not_verify()
    {
        var refusal = VerifierAt(ResponseTime).Refusal(ResponseHeaders(), Response.GetProperty("body").GetString()!.Replace("p4lp", "p4lq"));

        Assert.Equal("Wechatpay-Signature does not verify", refusal);
    }

    [Fact]
    public void A_signature_probe_from_wechat_is_refused()
    {
        var refusal = VerifierAt(ResponseTime).Refusal(ResponseHeaders(signature: "WECHATPAY/SIGNTEST/" + Convert.ToBase64String(new byte[256])),
            Response.GetProperty("body").GetString()!);

        Assert.Equal("Wechatpay-Signature does not verify", refusal);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void A_timestamp_more_than_five_minutes_from_our_clock_is_refused_as_stale(int seconds)
    {
        var refusal = VerifierAt(ResponseTime.AddSeconds(seconds)).Refusal(ResponseHeaders(), Response.GetProperty("body").GetString()!);

        Assert.Contains("stale or replayed", refusal);
    }

    [Fact]
    public void A_timestamp_within_five_minutes_is_accepted()
    {
        Assert.Null(VerifierAt(ResponseTime.AddSeconds(299)).Refusal(ResponseHeaders(), Response.GetProperty("body").GetString()!));
    }

    [Fact]
    public void A_serial_we_hold_no_key_for_is_refused_and_named()
    {
        var refusal = VerifierAt(ResponseTime).Refusal(ResponseHeaders(serial: "PUB_KEY_ID_0000"), Response.GetProperty("body").GetString()!);

        Assert.StartsWith("Wechatpay-Serial PUB_KEY_ID_0000 names no key we hold", refusal);
    }

    [Fact]
    public void Missing_headers_are_refused()
    {
        var refusal = VerifierAt(ResponseTime).Refusal(new WeChatPaySignedHeaders(null, "n", "s", "x"), "{}");

        Assert.StartsWith("missing Wechatpay-Timestamp", refusal);
    }

    [Fact]
    public void In_platform_certificate_mode_the_certificate_serial_selects_the_key()
    {
        var options = WeChatPayTestKeys.Options();
        options.PlatformPublicKeyId = null;
        options.PlatformCertificatePaths = [WeChatPayTestKeys.PlatformCertificatePath];

        var verifier = VerifierAt(ResponseTime, options);

        Assert.Null(verifier.Refusal(ResponseHeaders(serial: WeChatPayTestKeys.CertificateSerial), Response.GetProperty("body").GetString()!));
        Assert.NotNull(verifier.Refusal(ResponseHeaders(serial: WeChatPayTestKeys.PublicKeyId), Response.GetProperty("body").GetString()!));
    }

    [Fact]
    public void During_a_rotation_each_certificate_verifies_only_what_names_its_own_serial()
    {
        var options = WeChatPayTestKeys.Options();
        options.PlatformPublicKeyId = null;
        options.PlatformCertificatePaths = [WeChatPayTestKeys.PlatformCertificatePath, WeChatPayTestKeys.RotatedCertificatePath];
        using var credentials = WeChatPayTestKeys.Credentials(options);
        var rotatedSerial = credentials.PlatformKeys.Keys.Single(k => k != WeChatPayTestKeys.CertificateSerial);
        var verifier = new WeChatPayVerifier(credentials, new FakeTimeProvider(ResponseTime));

        Assert.Equal(2, credentials.PlatformKeys.Count);
        Assert.Null(verifier.Refusal(ResponseHeaders(serial: WeChatPayTestKeys.CertificateSerial), Response.GetProperty("body").GetString()!));
        // Signed by the old key but naming the new certificate: the new certificate's key does not verify it.
        Assert.Equal("Wechatpay-Signature does not verify",
            verifier.Refusal(ResponseHeaders(serial: rotatedSerial), Response.GetProperty("body").GetString()!));
    }

    [Fact]
    public void Public_key_mode_and_certificates_work_side_by_side_while_migrating()
    {
        var options = WeChatPayTestKeys.Options();
        options.PlatformCertificatePaths = [WeChatPayTestKeys.PlatformCertificatePath];
        var verifier = VerifierAt(ResponseTime, options);

        Assert.Null(verifier.Refusal(ResponseHeaders(serial: WeChatPayTestKeys.PublicKeyId), Response.GetProperty("body").GetString()!));
        Assert.Null(verifier.Refusal(ResponseHeaders(serial: WeChatPayTestKeys.CertificateSerial), Response.GetProperty("body").GetString()!));
    }
}
