using LuffyBlazor.Features.Payments;
using LuffyBlazor.Features.Payments.WeChat;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Tests.Payments.WeChat;

/// <summary>The APIv3 client against a fake WeChat Pay that checks every request's signature and signs its answers.</summary>
public sealed class WeChatPayClientTests
{
    private const string OutTradeNo = "20261125163005A1B2C3D4E5F60718293A4B5C";
    private readonly FakeWeChatPay wechat = new();

    private WeChatPayClient Client()
    {
        var options = Options.Create(WeChatPayTestKeys.Options());
        var credentials = WeChatPayTestKeys.Credentials();
        return new WeChatPayClient(new HttpClient(wechat), options, credentials, new WeChatPayVerifier(credentials, TimeProvider.System),
            new WeChatPayEndpoint(options), TimeProvider.System);
    }

    private static WeChatPayTradeRequest Trade() => new(
        OutTradeNo, 198.00m, "路飞学城-Python 全栈开发", new DateTimeOffset(2026, 11, 25, 8, 45, 5, TimeSpan.Zero),
        WeChatPayTestKeys.NotifyUrl, "203.0.113.7");

    [Fact]
    public async Task Native_pay_sends_a_signed_request_with_amounts_in_fen_and_time_expire_in_beijing_time()
    {
        wechat.On("/v3/pay/transactions/native", 200, new { code_url = "weixin://wxpay/bizpayurl?pr=p4lpSuKzz" });

        var response = await Client().NativePayAsync(Trade());

        Assert.Equal("weixin://wxpay/bizpayurl?pr=p4lpSuKzz", response.Data!.CodeUrl);
        var call = Assert.Single(wechat.Calls);
        Assert.True(call.SignatureValid);
        Assert.Equal(("POST", "/v3/pay/transactions/native"), (call.Method, call.PathAndQuery));
        Assert.Equal((WeChatPayTestKeys.MchId, WeChatPayTestKeys.MerchantSerialNo), (call.Authorization!["mchid"], call.Authorization["serial_no"]));
        var body = call.Json!;
        Assert.Equal(19800, (long)body["amount"]!["total"]!);
        Assert.Equal("CNY", (string)body["amount"]!["currency"]!);
        Assert.Equal("2026-11-25T16:45:05+08:00", (string)body["time_expire"]!);
        Assert.Equal((WeChatPayTestKeys.AppId, WeChatPayTestKeys.MchId, OutTradeNo), ((string)body["appid"]!, (string)body["mchid"]!, (string)body["out_trade_no"]!));
        Assert.Equal(WeChatPayTestKeys.NotifyUrl, (string)body["notify_url"]!);
        Assert.Null(body["scene_info"]);
    }

    [Fact]
    public async Task H5_pay_sends_the_buyers_address_and_a_wap_scene_and_gives_the_h5_url()
    {
        wechat.On("/v3/pay/transactions/h5", 200, new { h5_url = "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx1" });

        var response = await Client().H5PayAsync(Trade());

        Assert.StartsWith("https://wx.tenpay.com/", response.Data!.H5Url);
        var scene = Assert.Single(wechat.Calls).Json!["scene_info"]!;
        Assert.Equal(("203.0.113.7", "Wap"), ((string)scene["payer_client_ip"]!, (string)scene["h5_info"]!["type"]!));
    }

    [Fact]
    public async Task A_query_by_out_trade_no_signs_its_path_with_the_mchid_query_and_reads_the_transaction()
    {
        wechat.On($"/out-trade-no/{OutTradeNo}", 200, FakeWeChatPay.Transaction(OutTradeNo, 198m));

        var trade = (await Client().QueryAsync(OutTradeNo)).Data!;

        Assert.Equal(($"/v3/pay/transactions/out-trade-no/{OutTradeNo}?mchid={WeChatPayTestKeys.MchId}", true),
            (wechat.Calls.Single().PathAndQuery, wechat.Calls.Single().SignatureValid));
        Assert.Equal((TradeState.Paid, 198.00m, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"), (trade.State, trade.TotalYuan, trade.Payer!.Openid));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 8, 31, 10, TimeSpan.Zero), trade.PaidAt);
    }

    [Fact]
    public async Task An_unknown_trade_answers_not_found()
    {
        wechat.On($"/out-trade-no/{OutTradeNo}", 404, new { code = "ORDER_NOT_EXIST", message = "订单不存在" });

        var response = await Client().QueryAsync(OutTradeNo);

        Assert.True(response.IsNotFound);
        Assert.Equal("ORDER_NOT_EXIST", response.Error!.Code);
    }

    [Fact]
    public async Task Close_posts_the_mchid_and_a_204_is_success()
    {
        wechat.On("/close", 204, null);

        var response = await Client().CloseAsync(OutTradeNo);

        Assert.True(response.IsSuccess);
        Assert.Equal(WeChatPayTestKeys.MchId, (string)wechat.Calls.Single().Json!["mchid"]!);
    }

    [Fact]
    public async Task A_refund_sends_this_refund_and_the_order_total_in_fen()
    {
        wechat.On("/v3/refund/domestic/refunds", 200, new { refund_id = "50000", out_refund_no = "X_R1", status = "PROCESSING", amount = new { total = 19800, refund = 5000 } });

        var refund = (await Client().RefundAsync(new WeChatPayRefundRequest(OutTradeNo, "X_R1", 50m, 198m, "学员申请", WeChatPayTestKeys.NotifyUrl))).Data!;

        Assert.Equal("PROCESSING", refund.EffectiveStatus);
        var body = wechat.Calls.Single().Json!;
        Assert.Equal((5000L, 19800L, "X_R1"), ((long)body["amount"]!["refund"]!, (long)body["amount"]!["total"]!, (string)body["out_refund_no"]!));
    }

    [Fact]
    public async Task A_refund_query_for_a_refund_wechat_never_received_is_not_found()
    {
        var response = await Client().QueryRefundAsync("X_R9");

        Assert.True(response.IsNotFound);
        Assert.Equal("/v3/refund/domestic/refunds/X_R9", wechat.Calls.Single().PathAndQuery);
    }

    [Fact]
    public async Task A_success_whose_signature_does_not_verify_is_never_believed()
    {
        wechat.On($"/out-trade-no/{OutTradeNo}", _ => new WeChatPayReply(200, "{\"trade_state\":\"SUCCESS\"}", Tamper: true));

        var ex = await Assert.ThrowsAsync<WeChatPayException>(() => Client().QueryAsync(OutTradeNo));

        Assert.Contains("did not verify", ex.Message);
    }

    [Fact]
    public async Task An_unsigned_error_is_returned_as_unsigned_so_that_nothing_is_concluded_from_it()
    {
        wechat.On("/v3/refund/domestic/refunds", _ => new WeChatPayReply(400, """{"code":"INVALID_REQUEST","message":"x"}""", Sign: false));

        var response = await Client().RefundAsync(new WeChatPayRefundRequest(OutTradeNo, "X_R1", 1m, 198m, null, WeChatPayTestKeys.NotifyUrl));

        Assert.False(response.IsSigned);
    }

    [Fact]
    public async Task A_server_error_without_wechats_body_counts_as_result_unknown()
    {
        wechat.On("/v3/refund/domestic/refunds", _ => new WeChatPayReply(502, "<html>bad gateway</html>"));

        var response = await Client().RefundAsync(new WeChatPayRefundRequest(OutTradeNo, "X_R1", 1m, 198m, null, WeChatPayTestKeys.NotifyUrl));

        Assert.True(response.Error!.IsResultUnknown);
    }
}
