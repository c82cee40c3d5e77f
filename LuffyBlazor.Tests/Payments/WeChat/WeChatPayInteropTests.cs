using System.Text.Json;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Payments.WeChat;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Tests.Payments.WeChat;

/// <summary>
/// Cross-checks with the Node SDK npm wechatpay-axios-plugin 0.9.6 (test-support/node/wechatpay-peer.mjs): what we
/// sign verifies there and signs the same, what it signs verifies here, resources encrypted on either side decrypt on
/// the other; and npm jsqr reads our QR codes back.
/// </summary>
public sealed class WeChatPayInteropTests
{
    private static Task<JsonElement> Peer(object request) => NodePeer.RunAsync("wechatpay-peer.mjs", request);

    private static readonly JsonElement Request = WeChatPayTestKeys.Vectors.GetProperty("request");

    [Fact]
    public async Task The_sdk_signs_our_request_message_to_the_same_signature()
    {
        var ours = WeChatPaySignature.Sign(Request.GetProperty("message").GetString()!, WeChatPayTestKeys.MerchantPrivateKey);

        var sdk = await Peer(new
        {
            cmd = "sign-request", method = "POST", uri = Request.GetProperty("path").GetString(), timestamp = Request.GetProperty("timestamp").GetInt64(),
            nonce = Request.GetProperty("nonce").GetString(), body = Request.GetProperty("body").GetString(),
            privateKey = WeChatPayTestKeys.Pem(WeChatPayTestKeys.MerchantPrivateKeyPath), mchid = WeChatPayTestKeys.MchId, serial = WeChatPayTestKeys.MerchantSerialNo,
        });

        Assert.Equal(Request.GetProperty("message").GetString(), sdk.GetProperty("message").GetString());
        Assert.Equal(ours, sdk.GetProperty("signature").GetString());
        Assert.Equal(WeChatPaySignature.ParseAuthorization(sdk.GetProperty("authorization").GetString())!["signature"], ours);
    }

    [Fact]
    public async Task A_request_our_client_sends_verifies_in_the_sdk()
    {
        var fake = new FakeWeChatPay().On("/v3/pay/transactions/native", 200, new { code_url = "weixin://wxpay/bizpayurl?pr=x" });
        var options = Options.Create(WeChatPayTestKeys.Options());
        var credentials = WeChatPayTestKeys.Credentials();
        var client = new WeChatPayClient(new HttpClient(fake), options, credentials, new WeChatPayVerifier(credentials, TimeProvider.System),
            new WeChatPayEndpoint(options), TimeProvider.System);
        await client.NativePayAsync(new WeChatPayTradeRequest("20261125A1", 0.01m, "路飞学城-Go 语言 & Linux", DateTimeOffset.UtcNow.AddMinutes(15), WeChatPayTestKeys.NotifyUrl));
        var call = fake.Calls.Single();

        var sdk = await Peer(new
        {
            cmd = "verify-request", method = call.Method, uri = call.PathAndQuery, timestamp = call.Authorization!["timestamp"],
            nonce = call.Authorization["nonce_str"], body = call.Body, signature = call.Authorization["signature"],
            publicKey = WeChatPayTestKeys.Pem(WeChatPayTestKeys.MerchantPublicKeyPath),
        });

        Assert.True(sdk.GetProperty("valid").GetBoolean(), sdk.ToString());
    }

    [Fact]
    public async Task An_answer_the_sdk_signs_verifies_here_and_one_we_sign_verifies_in_the_sdk()
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        const string body = """{"code_url":"weixin://wxpay/bizpayurl?pr=中文"}""";
        var sdk = await Peer(new { cmd = "sign-response", timestamp, nonce = "n0nce", body, privateKey = WeChatPayTestKeys.Pem(WeChatPayTestKeys.PlatformPrivateKeyPath) });
        using var credentials = WeChatPayTestKeys.Credentials();
        var verifier = new WeChatPayVerifier(credentials, TimeProvider.System);

        Assert.Null(verifier.Refusal(new WeChatPaySignedHeaders(timestamp, "n0nce", sdk.GetProperty("signature").GetString(), WeChatPayTestKeys.PublicKeyId), body));

        var ours = FakeWeChatPay.SignHeaders(body, WeChatPayTestKeys.PublicKeyId, DateTimeOffset.UtcNow);
        var check = await Peer(new
        {
            cmd = "verify-response", headers = ours, body,
            certs = new Dictionary<string, string> { [WeChatPayTestKeys.PublicKeyId] = WeChatPayTestKeys.Pem(WeChatPayTestKeys.PlatformPublicKeyPath) },
        });
        Assert.True(check.GetProperty("valid").GetBoolean(), check.ToString());
    }

    [Fact]
    public async Task The_sdk_and_we_refuse_the_same_stale_answer()
    {
        const string body = "{}";
        var stale = FakeWeChatPay.SignHeaders(body, WeChatPayTestKeys.PublicKeyId, DateTimeOffset.UtcNow.AddMinutes(-6));
        using var credentials = WeChatPayTestKeys.Credentials();

        var sdk = await Peer(new
        {
            cmd = "verify-response", headers = stale, body,
            certs = new Dictionary<string, string> { [WeChatPayTestKeys.PublicKeyId] = WeChatPayTestKeys.Pem(WeChatPayTestKeys.PlatformPublicKeyPath) },
        });

        Assert.False(sdk.GetProperty("valid").GetBoolean());
        Assert.Contains("TIMESTAMP", sdk.GetProperty("error").GetString());
        Assert.Contains("stale", new WeChatPayVerifier(credentials, TimeProvider.System).Refusal(WeChatPaySignedHeaders.From(stale.GetValueOrDefault), body));
    }

    [Fact]
    public async Task The_sdks_whole_client_accepts_our_signed_answer_and_sends_a_request_we_verify()
    {
        var body = JsonSerializer.Serialize(FakeWeChatPay.Transaction("20261125A2", 99m));
        var reply = FakeWeChatPay.SignHeaders(body, WeChatPayTestKeys.PublicKeyId, DateTimeOffset.UtcNow);

        var sdk = await Peer(new
        {
            cmd = "sdk-call", mchid = WeChatPayTestKeys.MchId, serial = WeChatPayTestKeys.MerchantSerialNo,
            privateKey = WeChatPayTestKeys.Pem(WeChatPayTestKeys.MerchantPrivateKeyPath),
            certs = new Dictionary<string, string> { [WeChatPayTestKeys.PublicKeyId] = WeChatPayTestKeys.Pem(WeChatPayTestKeys.PlatformPublicKeyPath) },
            method = "GET", path = $"v3/pay/transactions/out-trade-no/20261125A2?mchid={WeChatPayTestKeys.MchId}",
            reply = new { status = 200, headers = reply, body },
        });

        Assert.True(sdk.GetProperty("ok").GetBoolean(), sdk.ToString());
        Assert.Equal("SUCCESS", sdk.GetProperty("data").GetProperty("trade_state").GetString());
        var request = sdk.GetProperty("request");
        var auth = WeChatPaySignature.ParseAuthorization(request.GetProperty("authorization").GetString())!;
        Assert.True(WeChatPaySignature.Verify(
            WeChatPaySignature.RequestMessage("GET", request.GetProperty("url").GetString()!, long.Parse(auth["timestamp"]), auth["nonce_str"], ""),
            auth["signature"], WeChatPayTestKeys.MerchantPublicKey));
    }

    [Fact]
    public async Task A_resource_the_sdk_encrypts_decrypts_here_and_ours_decrypts_in_the_sdk()
    {
        const string plaintext = """{"out_trade_no":"20261125A3","trade_state":"SUCCESS","attach":"路飞"}""";
        var sdk = await Peer(new { cmd = "encrypt", plaintext, key = WeChatPayTestKeys.ApiV3Key, nonce = "0123456789ab", aad = "transaction" });

        Assert.Equal(plaintext, WeChatPayAead.Decrypt(WeChatPayTestKeys.ApiV3Key, "0123456789ab", "transaction", sdk.GetProperty("ciphertext").GetString()!));

        var ours = WeChatPayAead.Encrypt(WeChatPayTestKeys.ApiV3Key, "ba9876543210", "refund", plaintext);
        var back = await Peer(new { cmd = "decrypt", ciphertext = ours, key = WeChatPayTestKeys.ApiV3Key, nonce = "ba9876543210", aad = "refund" });
        Assert.Equal(plaintext, back.GetProperty("plaintext").GetString());
    }

    [Fact]
    public async Task A_payment_qr_code_reads_back_as_its_code_url()
    {
        const string codeUrl = "weixin://wxpay/bizpayurl?pr=p4lpSuKzz";
        var modules = PaymentQrCode.Modules(codeUrl).Select(row => string.Concat(row.Select(dark => dark ? '1' : '0'))).ToArray();

        var decoded = await Peer(new { cmd = "qr-decode", modules });

        Assert.Equal(codeUrl, decoded.GetProperty("data").GetString());
    }

    [Fact]
    public void The_payment_qr_code_is_a_well_formed_svg_drawing_every_dark_module()
    {
        const string codeUrl = "weixin://wxpay/bizpayurl?pr=p4lpSuKzz";

        var svg = System.Xml.Linq.XDocument.Parse(PaymentQrCode.Svg(codeUrl));

        Assert.Equal("svg", svg.Root!.Name.LocalName);
        Assert.NotNull(svg.Root.Attribute("viewBox"));
        Assert.Contains(svg.Descendants(), e => e.Name.LocalName is "rect" or "path");
    }
}
