using System.Net;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LuffyBlazor.Tests.Payments.Alipay;

/// <summary>The OpenAPI calls over real HTTP against a local gateway, through the app's own DI set-up.</summary>
public sealed class AlipayClientTests
{
    private const string OutTradeNo = "20261125163005A1B2C3D4E5F60718293A4B5C";

    private const string PaidTrade =
        "{\"code\":\"10000\",\"msg\":\"Success\",\"buyer_logon_id\":\"lea***@example.com\",\"buyer_pay_amount\":\"99.00\",\"buyer_user_id\":\"2088102177846875\"," +
        "\"out_trade_no\":\"" + OutTradeNo + "\",\"send_pay_date\":\"2026-11-25 16:31:10\",\"total_amount\":\"99.00\",\"trade_no\":\"2026112522001446870500012345\",\"trade_status\":\"TRADE_SUCCESS\"}";

    private const string TradeNotExist =
        "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.TRADE_NOT_EXIST\",\"sub_msg\":\"交易不存在\",\"out_trade_no\":\"" + OutTradeNo + "\"}";

    private static ServiceProvider Services(string gateway, string timeout = "00:00:05")
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = "Testing",
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = true,
        });
        var settings = AlipayTestKeys.Settings();
        settings["Alipay:Gateway"] = gateway;
        settings["Alipay:Timeout"] = timeout;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddAlipay();
        return builder.Services.BuildServiceProvider();
    }

    private static async Task<(FakeAlipayGateway Gateway, IAlipayClient Client, ServiceProvider Services)> StartAsync(
        Func<int, HttpContext, Task> answer, string timeout = "00:00:05")
    {
        var gateway = await FakeAlipayGateway.StartAsync(answer);
        var services = Services(gateway.Url, timeout);
        return (gateway, services.GetRequiredService<IAlipayClient>(), services);
    }

    private static Task<(FakeAlipayGateway Gateway, IAlipayClient Client, ServiceProvider Services)> StartFailingAsync(int status) =>
        StartAsync((_, c) =>
        {
            c.Response.StatusCode = status;
            return Task.CompletedTask;
        });

    [Fact]
    public async Task A_trade_query_is_a_signed_form_post_and_its_signed_answer_is_parsed()
    {
        var (gateway, client, services) = await StartAsync((_, c) => FakeAlipayGateway.SignedAsync(c, "alipay.trade.query", PaidTrade));
        await using var _ = gateway;
        using var __ = services;

        var response = await client.QueryTradeAsync(OutTradeNo);

        Assert.True(response.IsSuccess);
        Assert.True(response.IsSigned);
        var trade = response.Data!;
        Assert.Equal(("TRADE_SUCCESS", 99.00m, "2026112522001446870500012345", "2088102177846875"), (trade.TradeStatus, trade.TotalAmount, trade.TradeNo, trade.BuyerId));
        Assert.Equal(DateTimeOffset.Parse("2026-11-25T08:31:10Z"), trade.SendPayDate);

        var (query, form) = Assert.Single(gateway.Requests);
        Assert.Equal("?charset=utf-8", query);
        Assert.Equal("alipay.trade.query", form["method"]);
        Assert.Equal($"{{\"out_trade_no\":\"{OutTradeNo}\"}}", form["biz_content"]);
        Assert.False(form.ContainsKey("notify_url"));
        Assert.True(AlipaySignature.Verify(AlipaySignature.BuildSignContent(form, keepSignType: true), form["sign"], AlipayTestKeys.AppPublicKey));
    }

    [Fact]
    public async Task Trade_not_exist_is_told_apart_from_a_failure()
    {
        var (gateway, client, services) = await StartAsync((_, c) => FakeAlipayGateway.SignedAsync(c, "alipay.trade.query", TradeNotExist));
        await using var _ = gateway;
        using var __ = services;

        var response = await client.QueryTradeAsync(OutTradeNo);

        Assert.False(response.IsSuccess);
        Assert.True(response.IsTradeNotExist);
        Assert.Equal(("40004", "ACQ.TRADE_NOT_EXIST", "交易不存在"), (response.Error!.Code, response.Error.SubCode, response.Error.SubMsg));
    }

    [Fact]
    public async Task An_unsigned_error_is_reported_but_never_taken_for_trade_not_exist()
    {
        var (gateway, client, services) = await StartAsync((_, c) => c.Response.WriteAsync($"{{\"alipay_trade_query_response\":{TradeNotExist}}}"));
        await using var _ = gateway;
        using var __ = services;

        var response = await client.QueryTradeAsync(OutTradeNo);

        Assert.False(response.IsSigned);
        Assert.Equal("ACQ.TRADE_NOT_EXIST", response.Error!.SubCode);
        Assert.False(response.IsTradeNotExist);
    }

    public static TheoryData<string, string> Untrusted => new()
    {
        { "signed by another key", FakeAlipayGateway.SignedBody("alipay.trade.query", PaidTrade, AlipayTestKeys.AppPrivateKey) },
        { "tampered after signing", FakeAlipayGateway.SignedBody("alipay.trade.query", PaidTrade).Replace("99.00", "0.01") },
        { "success without a signature", $"{{\"alipay_trade_query_response\":{PaidTrade}}}" },
        { "not JSON", "<html>502 Bad Gateway</html>" },
        { "another method's node", FakeAlipayGateway.SignedBody("alipay.trade.close", PaidTrade) },
    };

    [Theory]
    [MemberData(nameof(Untrusted))]
    public async Task An_answer_that_cannot_be_trusted_is_an_exception_not_a_result(string why, string body)
    {
        var (gateway, client, services) = await StartAsync((_, c) => c.Response.WriteAsync(body));
        await using var _ = gateway;
        using var __ = services;

        var error = await Assert.ThrowsAsync<AlipayException>(() => client.QueryTradeAsync(OutTradeNo));

        Assert.Equal("alipay.trade.query", error.Method);
        Assert.False(string.IsNullOrEmpty(error.Message), why);
    }

    [Fact]
    public async Task A_passing_gateway_failure_is_retried_for_an_idempotent_call()
    {
        var (gateway, client, services) = await StartAsync(async (attempt, c) =>
        {
            if (attempt == 1)
            {
                c.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            await FakeAlipayGateway.SignedAsync(c, "alipay.trade.query", PaidTrade);
        });
        await using var _ = gateway;
        using var __ = services;

        var response = await client.QueryTradeAsync(OutTradeNo);

        Assert.True(response.IsSuccess);
        Assert.Equal(2, gateway.Attempts);
    }

    [Fact]
    public async Task A_request_not_marked_idempotent_is_never_sent_twice()
    {
        var (gateway, _, services) = await StartFailingAsync(StatusCodes.Status503ServiceUnavailable);
        await using var _ = gateway;
        using var __ = services;
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(IAlipayClient));

        using var response = await http.PostAsync(gateway.Url, new FormUrlEncodedContent([KeyValuePair.Create("method", "alipay.trade.pay")]));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, gateway.Attempts);
    }

    [Theory]
    [InlineData("alipay.trade.query")]
    [InlineData("alipay.trade.refund")]
    [InlineData("alipay.trade.fastpay.refund.query")]
    public async Task A_gateway_that_keeps_failing_an_idempotent_call_ends_in_an_exception_after_three_attempts(string method)
    {
        var (gateway, client, services) = await StartFailingAsync(StatusCodes.Status500InternalServerError);
        await using var _ = gateway;
        using var __ = services;

        var error = await Assert.ThrowsAsync<AlipayException>(() => Call(client, method));

        Assert.Equal(method, error.Method);
        Assert.Contains("HTTP 500", error.Message);
        Assert.Equal(3, gateway.Attempts);
    }

    [Fact]
    public async Task A_close_is_sent_once_since_a_retry_after_a_lost_answer_would_report_a_closed_trade_as_a_failure()
    {
        var (gateway, client, services) = await StartFailingAsync(StatusCodes.Status503ServiceUnavailable);
        await using var _ = gateway;
        using var __ = services;

        var error = await Assert.ThrowsAsync<AlipayException>(() => client.CloseTradeAsync(OutTradeNo));

        Assert.Equal("alipay.trade.close", error.Method);
        Assert.Equal(1, gateway.Attempts);
    }

    private static Task Call(IAlipayClient client, string method) => method switch
    {
        "alipay.trade.query" => client.QueryTradeAsync(OutTradeNo),
        "alipay.trade.refund" => client.RefundAsync(new AlipayRefundRequest(OutTradeNo, 30m, "R1", null)),
        _ => client.QueryRefundAsync(OutTradeNo, "R1"),
    };

    [Fact]
    public async Task A_gateway_that_does_not_answer_in_time_is_an_exception()
    {
        var (gateway, client, services) = await StartAsync((_, c) => Task.Delay(TimeSpan.FromSeconds(30), c.RequestAborted), timeout: "00:00:01");
        await using var _ = gateway;
        using var __ = services;

        var error = await Assert.ThrowsAsync<AlipayException>(() => client.QueryTradeAsync(OutTradeNo));

        Assert.Contains("in time", error.Message);
    }

    [Fact]
    public async Task An_unreachable_gateway_is_an_exception()
    {
        using var services = Services("http://127.0.0.1:9/gateway.do");

        var error = await Assert.ThrowsAsync<AlipayException>(() => services.GetRequiredService<IAlipayClient>().QueryTradeAsync(OutTradeNo));

        Assert.Contains("could not be reached", error.Message);
    }

    [Fact]
    public async Task A_refund_sends_its_request_number_and_reads_the_refunded_total()
    {
        const string refunded = "{\"code\":\"10000\",\"msg\":\"Success\",\"buyer_logon_id\":\"lea***@example.com\",\"fund_change\":\"Y\"," +
                                "\"gmt_refund_pay\":\"2026-11-26 09:00:00\",\"out_trade_no\":\"" + OutTradeNo + "\",\"refund_fee\":\"30.00\",\"trade_no\":\"2026112522001446870500012345\"}";
        var (gateway, client, services) = await StartAsync((_, c) => FakeAlipayGateway.SignedAsync(c, "alipay.trade.refund", refunded));
        await using var _ = gateway;
        using var __ = services;

        var response = await client.RefundAsync(new AlipayRefundRequest(OutTradeNo, 30m, "R1", "学员申请"));

        Assert.Equal((30.00m, true), (response.Data!.RefundFee, response.Data.FundChange));
        Assert.Contains("\"out_request_no\":\"R1\"", Assert.Single(gateway.Requests).Form["biz_content"]);
    }

    [Fact]
    public async Task A_refund_query_for_a_refund_alipay_never_received_is_not_refunded()
    {
        const string none = "{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"" + OutTradeNo + "\",\"out_request_no\":\"R9\"}";
        var (gateway, client, services) = await StartAsync((_, c) => FakeAlipayGateway.SignedAsync(c, "alipay.trade.fastpay.refund.query", none));
        await using var _ = gateway;
        using var __ = services;

        var response = await client.QueryRefundAsync(OutTradeNo, "R9");

        Assert.True(response.IsSuccess);
        Assert.False(response.Data!.IsRefunded);
    }
}
