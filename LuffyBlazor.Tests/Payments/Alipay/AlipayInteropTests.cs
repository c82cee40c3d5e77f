using System.Text;
using System.Text.Json;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Tests.Payments.Alipay;

/// <summary>
/// Cross-checks with the official Node SDK (npm alipay-sdk 4.14.0, test-support/node/alipay-peer.mjs): what we sign
/// verifies there, and what it signs verifies here.
/// </summary>
public sealed class AlipayInteropTests
{
    private static readonly AlipayCredentials Credentials = AlipayTestKeys.Credentials();
    private static readonly string AppPrivatePem = AlipayTestKeys.Pem(AlipayTestKeys.AppPrivateKeyPath);
    private static readonly string AppPublicPem = AlipayTestKeys.Pem(AlipayTestKeys.AppPublicKeyPath);
    private static readonly string AlipayPrivatePem = AlipayTestKeys.Pem(AlipayTestKeys.AlipayPrivateKeyPath);
    private static readonly string AlipayPublicPem = AlipayTestKeys.Pem(AlipayTestKeys.AlipayPublicKeyPath);

    private static string OurPagePayUrl(string subject = "路飞学城-Go 语言+C++ 实战 \"进阶\"")
    {
        var options = Options.Create(AlipayTestKeys.Options());
        options.Value.Gateway = AlipayOptions.SandboxGateway;
        var client = new AlipayClient(new HttpClient(), new AlipayRequestSigner(Credentials, options, TimeProvider.System), new AlipayGateway(options), Credentials);
        return client.BuildPagePayUrl(new AlipayTradeRequest(
            "20261125163005A1B2C3D4E5F60718293A4B5C", 198.00m, subject, DateTimeOffset.UtcNow.AddMinutes(15),
            "https://luffy.example.com/api/v1/order/success/?from=alipay&x=a+b", "https://luffy.example.com/pay/success"));
    }

    private static Dictionary<string, string> QueryOf(string url) =>
        QueryHelpers.ParseQuery(new Uri(url).Query).ToDictionary(q => q.Key, q => q.Value.ToString());

    [Fact]
    public async Task A_page_pay_url_we_sign_verifies_in_the_official_sdk()
    {
        var url = OurPagePayUrl();

        var result = await NodePeer.AlipayAsync(new { cmd = "check-url", url, appPublicKey = AppPublicPem });

        Assert.True(result.GetProperty("valid").GetBoolean(), result.ToString());
        Assert.Equal(AlipaySignature.BuildSignContent(QueryOf(url), keepSignType: true), result.GetProperty("signContent").GetString());
    }

    [Fact]
    public async Task The_official_sdk_signs_the_same_parameters_to_the_same_signature()
    {
        var query = QueryOf(OurPagePayUrl());
        var ours = query["sign"];
        query.Remove("sign");

        var result = await NodePeer.AlipayAsync(new { cmd = "sign-params", @params = query, privateKey = AppPrivatePem });

        Assert.Empty(result.GetProperty("changed").EnumerateArray());
        Assert.Equal(ours, result.GetProperty("sign").GetString());
    }

    [Fact]
    public async Task A_page_pay_url_the_official_sdk_makes_verifies_here()
    {
        var result = await NodePeer.AlipayAsync(new
        {
            cmd = "page-url",
            appId = AlipayTestKeys.AppId,
            privateKey = AppPrivatePem,
            gateway = AlipayOptions.SandboxGateway,
            method = "alipay.trade.page.pay",
            bizContent = new { out_trade_no = "T20261125", total_amount = "0.01", subject = "路飞 a+b&c=d/e", product_code = "FAST_INSTANT_TRADE_PAY" },
            notifyUrl = "https://luffy.example.com/notify?a=1&b=c d",
            returnUrl = "https://luffy.example.com/pay/success",
        });
        var query = QueryOf(result.GetProperty("url").GetString()!);

        Assert.True(AlipaySignature.Verify(AlipaySignature.BuildSignContent(query, keepSignType: true), query["sign"], AlipayTestKeys.AppPublicKey));
        Assert.Contains("路飞 a+b&c=d/e", query["biz_content"]);
    }

    [Fact]
    public async Task A_notify_signed_with_the_official_sdks_primitive_verifies_here()
    {
        var fields = NotifyForms.Paid("20261125163005A1B2C3D4E5F60718293A4B5C", 198.00m);
        fields["subject"] = "路飞学城-Go 语言 & Linux=运维+实战";

        var result = await NodePeer.AlipayAsync(new { cmd = "sign-notify", @params = fields, privateKey = AlipayPrivatePem });
        var form = result.GetProperty("params").EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!)).ToList();
        var verdict = new AlipayCallbacks(Credentials).VerifyNotify(form);

        Assert.True(verdict.IsValid, verdict.Reason);
        Assert.Equal(198.00m, verdict.Notification!.TotalAmount);
    }

    [Fact]
    public async Task A_notify_with_an_empty_value_signed_as_the_official_sdk_verifies_it_is_valid_here_and_there()
    {
        var fields = NotifyForms.Paid("20261125163005A1B2C3D4E5F60718293A4B5C", 198.00m);
        fields["passback_params"] = "";
        fields["body"] = "";

        var result = await NodePeer.AlipayAsync(new { cmd = "sign-notify", @params = fields, privateKey = AlipayPrivatePem, alipayPublicKey = AlipayPublicPem });
        var form = result.GetProperty("params").EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!)).ToList();
        var verdict = new AlipayCallbacks(Credentials).VerifyNotify(form);

        Assert.Contains("&passback_params=&", result.GetProperty("signContent").GetString());
        Assert.True(result.GetProperty("sdkValid").GetBoolean(), result.ToString());
        Assert.True(verdict.IsValid, verdict.Reason);
        Assert.Equal(AlipaySignature.BuildCallbackSignContent(form, keepSignType: false), result.GetProperty("signContent").GetString());
    }

    [Fact]
    public async Task A_notify_signed_without_its_empty_values_is_refused_here_as_by_the_official_sdk()
    {
        var fields = NotifyForms.Paid("20261125163005A1B2C3D4E5F60718293A4B5C", 198.00m);
        fields["passback_params"] = "";

        var result = await NodePeer.AlipayAsync(new { cmd = "sign-notify", @params = fields, privateKey = AlipayPrivatePem, alipayPublicKey = AlipayPublicPem, dropEmpty = true });
        var form = result.GetProperty("params").EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!)).ToList();

        Assert.False(result.GetProperty("sdkValid").GetBoolean());
        Assert.False(new AlipayCallbacks(Credentials).VerifyNotify(form).IsValid);
    }

    [Fact]
    public async Task A_notify_we_sign_as_alipay_verifies_in_the_official_sdks_check_notify_sign()
    {
        var form = NotifyForms.Paid("20261125163005A1B2C3D4E5F60718293A4B5C", 0.01m).Signed();

        var good = await NodePeer.AlipayAsync(new { cmd = "check-notify", @params = form, alipayPublicKey = AlipayPublicPem });
        form["total_amount"] = "100.00";
        var tampered = await NodePeer.AlipayAsync(new { cmd = "check-notify", @params = form, alipayPublicKey = AlipayPublicPem });

        Assert.True(good.GetProperty("valid").GetBoolean(), good.ToString());
        Assert.False(tampered.GetProperty("valid").GetBoolean());
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task A_response_the_official_sdk_signs_verifies_here(bool escapeSlashes, bool signUnescaped)
    {
        var payload = new Dictionary<string, string>
        {
            ["code"] = "10000", ["msg"] = "Success", ["out_trade_no"] = "T20261125", ["trade_no"] = "2026112522001446870500012345",
            ["trade_status"] = "TRADE_SUCCESS", ["total_amount"] = "99.00", ["send_pay_date"] = "2026-11-25 16:31:10",
            ["buyer_logon_id"] = "lea***@example.com", ["subject"] = "路飞/学城 https://www.luffycity.com",
        };

        var result = await NodePeer.AlipayAsync(new { cmd = "sign-response", method = "alipay.trade.query", privateKey = AlipayPrivatePem, payload, escapeSlashes, signUnescaped });
        var response = AlipayResponseReader.Read<AlipayTradeQuery>("alipay.trade.query", Encoding.UTF8.GetBytes(result.GetProperty("body").GetString()!), Credentials);

        Assert.True(response.IsSuccess);
        Assert.Equal(99.00m, response.Data!.TotalAmount);
    }

    [Fact]
    public async Task A_response_signed_like_ours_verifies_in_the_official_sdk()
    {
        var node = JsonSerializer.Serialize(new { code = "10000", msg = "Success", out_trade_no = "T20261125", trade_status = "TRADE_CLOSED", total_amount = "1.00" });
        var body = FakeAlipayGateway.SignedBody("alipay.trade.query", node);

        var result = await NodePeer.AlipayAsync(new { cmd = "check-response", body, method = "alipay.trade.query", alipayPublicKey = AlipayPublicPem });

        Assert.True(result.GetProperty("valid").GetBoolean(), result.ToString());
    }
}
