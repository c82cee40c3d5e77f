using System.Net;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Payments.Simulator;

/// <summary>The simulated gateway checks requests as Alipay's does and answers with Alipay's error codes.</summary>
public sealed class SimulatorGatewayTests(SimulatorApp sim) : IClassFixture<SimulatorApp>
{
    private static readonly AlipayCredentials Credentials = AlipayTestKeys.Credentials();

    private string Gateway => sim.BaseUrl + "/dev/alipay/gateway.do";

    /// <summary>A page pay signed with the test app key, at <paramref name="signedAt"/> (now by default).</summary>
    private string SignedPagePay(string biz, DateTimeOffset? signedAt = null, string method = "alipay.trade.page.pay",
        Action<List<KeyValuePair<string, string>>>? afterSigning = null)
    {
        var options = Options.Create(AlipayTestKeys.Options());
        var signer = new AlipayRequestSigner(Credentials, options, new FakeTimeProvider(signedAt ?? DateTimeOffset.UtcNow));
        var parameters = signer.Sign(method, biz, sim.BaseUrl + "/api/v1/order/success/", sim.BaseUrl + "/pay/success");
        afterSigning?.Invoke(parameters);
        return AlipayRequestSigner.ToUrl(Gateway, parameters);
    }

    private static string Biz(string outTradeNo, string amount = "99.00", string product = "FAST_INSTANT_TRADE_PAY", string? expire = null) =>
        $"{{\"out_trade_no\":\"{outTradeNo}\",\"total_amount\":\"{amount}\",\"subject\":\"路飞学城-测试\",\"product_code\":\"{product}\"" +
        (expire is null ? "" : $",\"time_expire\":\"{expire}\"") + "}";

    private static string NewTradeNo() => "T" + Guid.NewGuid().ToString("N")[..20];

    private static void Set(List<KeyValuePair<string, string>> parameters, string key, string? value)
    {
        parameters.RemoveAll(p => p.Key == key);
        if (value is not null)
        {
            parameters.Add(new(key, value));
        }
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "another app_id", "isv.invalid-app-id" },
        { "no signature", "isv.missing-signature" },
        { "biz_content changed after signing", "isv.invalid-signature" },
        { "a gbk charset", "isv.invalid-charset" },
        { "a timestamp an hour old", "isv.invalid-timestamp" },
        { "an unknown method", "isv.invalid-method" },
        { "biz_content that is not JSON", "isv.invalid-parameter" },
        { "the wap product code on page pay", "ACQ.INVALID_PARAMETER" },
        { "an amount with three decimals", "ACQ.INVALID_PARAMETER" },
        { "an amount of zero", "ACQ.TOTAL_FEE_EXCEED" },
        { "an out_trade_no with a dash", "ACQ.INVALID_PARAMETER" },
        { "a time_expire already passed", "ACQ.TRADE_HAS_CLOSE" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task The_gateway_refuses_bad_requests_with_alipays_error_code(string request, string expectedCode)
    {
        var no = NewTradeNo();
        var url = request switch
        {
            "another app_id" => SignedPagePay(Biz(no), afterSigning: p => Set(p, "app_id", "2021009999999999")),
            "no signature" => SignedPagePay(Biz(no), afterSigning: p => Set(p, "sign", null)),
            "biz_content changed after signing" => SignedPagePay(Biz(no), afterSigning: p => Set(p, "biz_content", Biz(no, "0.01"))),
            "a gbk charset" => SignedPagePay(Biz(no), afterSigning: p => Set(p, "charset", "gbk")),
            "a timestamp an hour old" => SignedPagePay(Biz(no), DateTimeOffset.UtcNow.AddHours(-1)),
            "an unknown method" => SignedPagePay(Biz(no), method: "alipay.trade.pay"),
            "biz_content that is not JSON" => SignedPagePay("{out_trade_no: oops"),
            "the wap product code on page pay" => SignedPagePay(Biz(no, product: "QUICK_WAP_WAY")),
            "an amount with three decimals" => SignedPagePay(Biz(no, "1.001")),
            "an amount of zero" => SignedPagePay(Biz(no, "0.00")),
            "an out_trade_no with a dash" => SignedPagePay(Biz("bad-no")),
            _ => SignedPagePay(Biz(no, expire: DateTimeOffset.UtcNow.AddMinutes(-1).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss"))),
        };

        var (status, cashier, html) = await Cashier.OpenAsync(sim.Browser(), url);

        Assert.Null(cashier);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(expectedCode, Cashier.ErrorCode(html));
    }

    [Fact]
    public async Task A_signed_page_pay_opens_a_cashier_with_merchant_subject_amount_and_deadline()
    {
        var expire = DateTimeOffset.UtcNow.AddMinutes(10).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss");

        var (_, cashier, html) = await Cashier.OpenAsync(sim.Browser(), SignedPagePay(Biz(NewTradeNo(), "128.50", expire: expire)));

        Assert.NotNull(cashier);
        Assert.Contains("路飞学城", html);
        Assert.Contains("路飞学城-测试", html);
        Assert.Contains("id=\"cashier-amount\">128.50<", html);
        Assert.Contains(expire, html);
        Assert.Contains("确认付款", html);
    }

    [Fact]
    public async Task The_same_order_number_again_with_another_amount_is_refused_as_tampered()
    {
        var no = NewTradeNo();
        await Cashier.OpenAsync(sim.Browser(), SignedPagePay(Biz(no, "99.00")));

        var (status, _, html) = await Cashier.OpenAsync(sim.Browser(), SignedPagePay(Biz(no, "9.90")));

        Assert.Equal((HttpStatusCode.BadRequest, "ACQ.CONTEXT_INCONSISTENT"), (status, Cashier.ErrorCode(html)));
    }

    [Fact]
    public async Task A_request_posted_as_the_official_sdks_form_is_accepted_too()
    {
        var html = sim.Alipay.BuildPagePayForm(new AlipayTradeRequest(
            NewTradeNo(), 1.00m, "表单提交", DateTimeOffset.UtcNow.AddMinutes(5), sim.BaseUrl + "/api/v1/order/success/", sim.BaseUrl + "/pay/success"));
        var fields = System.Text.RegularExpressions.Regex.Matches(html, "name=\"([^\"]+)\" value=\"([^\"]*)\"")
            .ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        var action = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "action=\"([^\"]+)\"").Groups[1].Value);

        using var response = await sim.Browser().PostAsync(action, new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/dev/alipay/cashier/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Paying_sends_the_browser_back_with_a_signed_return_and_the_notify_marks_the_order_paid()
    {
        var (learner, _) = await sim.App.CreateLearnerAsync();
        var order = await sim.App.PlaceOrderAsync(learner, 3);

        using var response = await Cashier.PayAsync(sim.Browser(), sim.PayUrl(order));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var back = response.Headers.Location!;
        Assert.Equal(sim.BaseUrl + "/pay/success", back.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(back.Query).Select(q => KeyValuePair.Create(q.Key, q.Value.ToString())).ToList();
        var verdict = sim.App.Services.GetRequiredService<AlipayCallbacks>().VerifyReturn(query);
        Assert.True(verdict.IsValid, verdict.Reason);
        Assert.Equal((order.OutTradeNo, order.TotalAmount), (verdict.Notification!.OutTradeNo, verdict.Notification.TotalAmount!.Value));
        Assert.Equal("alipay.trade.page.pay.return", verdict.Notification.Method);
        Assert.Equal(28, verdict.Notification.TradeNo!.Length);

        var paid = await sim.App.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Paid);
        Assert.Equal(verdict.Notification.TradeNo, paid.TradeNo);
        Assert.StartsWith("2088", paid.BuyerId);
    }

    [Fact]
    public async Task A_paid_trade_cannot_be_paid_twice()
    {
        var (learner, _) = await sim.App.CreateLearnerAsync();
        var order = await sim.App.PlaceOrderAsync(learner, 4);
        var url = sim.PayUrl(order);
        (await Cashier.PayAsync(sim.Browser(), url)).Dispose();

        var (status, _, html) = await Cashier.OpenAsync(sim.Browser(), url);

        Assert.Equal((HttpStatusCode.BadRequest, "ACQ.TRADE_HAS_SUCCESS"), (status, Cashier.ErrorCode(html)));
    }

    [Fact]
    public async Task Cancelling_at_the_cashier_leaves_the_order_unpaid_and_it_can_be_paid_again_later()
    {
        var (learner, _) = await sim.App.CreateLearnerAsync();
        var order = await sim.App.PlaceOrderAsync(learner, 5);
        var browser = sim.Browser();
        var (_, cashierUrl, html) = await Cashier.OpenAsync(browser, sim.PayUrl(order));

        using var cancelled = await Cashier.SubmitAsync(browser, cashierUrl + "/cancel", html);
        var page = WebUtility.HtmlDecode(await cancelled.Content.ReadAsStringAsync());

        Assert.Contains("您已取消付款", page);
        Assert.Contains($"href=\"{sim.BaseUrl}/orders\"", page);
        Assert.Equal("WAIT_BUYER_PAY", (await sim.Alipay.QueryTradeAsync(order.OutTradeNo)).Data!.TradeStatus);
        Assert.Equal(OrderStatus.Unpaid, (await sim.App.OrderAsync(order.OutTradeNo)).Status);

        (await Cashier.PayAsync(browser, sim.PayUrl(order))).Dispose();
        await sim.App.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Paid);
    }

    [Fact]
    public async Task Cancelling_at_the_phone_cashier_goes_back_to_the_quit_url_my_orders()
    {
        var (learner, _) = await sim.App.CreateLearnerAsync();
        var order = await sim.App.PlaceOrderAsync(learner, 4);
        var browser = sim.Browser();
        var (_, cashierUrl, html) = await Cashier.OpenAsync(browser, sim.PayUrl(order, mobile: true));

        using var cancelled = await Cashier.SubmitAsync(browser, cashierUrl + "/cancel", html);

        Assert.Equal(HttpStatusCode.Redirect, cancelled.StatusCode);
        Assert.Equal($"{sim.BaseUrl}/orders", cancelled.Headers.Location!.OriginalString);
        Assert.Equal(OrderStatus.Unpaid, (await sim.App.OrderAsync(order.OutTradeNo)).Status);
    }

    [Fact]
    public async Task A_wap_pay_without_an_absolute_quit_url_is_refused_as_alipay_requires_one()
    {
        var (learner, _) = await sim.App.CreateLearnerAsync();
        var order = await sim.App.PlaceOrderAsync(learner, 4);
        var url = sim.Alipay.BuildWapPayUrl(new AlipayTradeRequest(order.OutTradeNo, order.TotalAmount, order.Subject,
            new DateTimeOffset(order.ExpiresAt, TimeSpan.Zero), sim.BaseUrl + "/api/v1/order/success/", sim.BaseUrl + "/pay/success", QuitUrl: "orders"));

        var (status, _, html) = await Cashier.OpenAsync(sim.Browser(), url);

        Assert.Equal((HttpStatusCode.BadRequest, "ACQ.INVALID_PARAMETER"), (status, Cashier.ErrorCode(html)));
        Assert.Contains("quit_url", html);
    }

    [Fact]
    public async Task Trade_query_tells_not_opened_waiting_and_closed_apart_and_close_works_once()
    {
        var (learner, _) = await sim.App.CreateLearnerAsync();
        var order = await sim.App.PlaceOrderAsync(learner, 6);

        var before = await sim.Alipay.QueryTradeAsync(order.OutTradeNo);
        await Cashier.OpenAsync(sim.Browser(), sim.PayUrl(order));
        var waiting = await sim.Alipay.QueryTradeAsync(order.OutTradeNo);
        var close = await sim.Alipay.CloseTradeAsync(order.OutTradeNo);
        var closed = await sim.Alipay.QueryTradeAsync(order.OutTradeNo);
        var closeAgain = await sim.Alipay.CloseTradeAsync(order.OutTradeNo);
        var (status, _, html) = await Cashier.OpenAsync(sim.Browser(), sim.PayUrl(order));

        Assert.True(before.IsTradeNotExist);
        Assert.Equal(("WAIT_BUYER_PAY", order.TotalAmount), (waiting.Data!.TradeStatus, waiting.Data.TotalAmount));
        Assert.True(close.IsSuccess);
        Assert.Equal("TRADE_CLOSED", closed.Data!.TradeStatus);
        Assert.Equal("ACQ.TRADE_STATUS_ERROR", closeAgain.Error!.SubCode);
        Assert.Equal((HttpStatusCode.BadRequest, "ACQ.TRADE_HAS_CLOSE"), (status, Cashier.ErrorCode(html)));
    }

    [Fact]
    public async Task Refunds_are_idempotent_by_request_number_limited_to_what_was_paid_and_notify_the_app()
    {
        var (learner, _) = await sim.App.CreateLearnerAsync();
        var order = await sim.App.PlaceOrderAsync(learner, 1); // 198.00
        (await Cashier.PayAsync(sim.Browser(), sim.PayUrl(order))).Dispose();
        await sim.App.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Paid);

        var first = await sim.Alipay.RefundAsync(new AlipayRefundRequest(order.OutTradeNo, 50m, "R1", "部分退款"));
        var retry = await sim.Alipay.RefundAsync(new AlipayRefundRequest(order.OutTradeNo, 50m, "R1", "部分退款"));
        var changed = await sim.Alipay.RefundAsync(new AlipayRefundRequest(order.OutTradeNo, 60m, "R1", null));
        var tooMuch = await sim.Alipay.RefundAsync(new AlipayRefundRequest(order.OutTradeNo, 148.01m, "R2", null));
        await sim.App.WaitForAsync(order.OutTradeNo, o => o.RefundedAmount == 50m);
        var rest = await sim.Alipay.RefundAsync(new AlipayRefundRequest(order.OutTradeNo, 148m, "R3", null));
        var queryFirst = await sim.Alipay.QueryRefundAsync(order.OutTradeNo, "R1");
        var queryUnknown = await sim.Alipay.QueryRefundAsync(order.OutTradeNo, "R9");

        Assert.Equal((50m, true), (first.Data!.RefundFee, first.Data.FundChange));
        Assert.Equal((50m, false), (retry.Data!.RefundFee, retry.Data.FundChange));
        Assert.Equal("ACQ.CONTEXT_INCONSISTENT", changed.Error!.SubCode);
        Assert.Equal("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", tooMuch.Error!.SubCode);
        Assert.Equal(198m, rest.Data!.RefundFee);
        Assert.Equal((true, 50m), (queryFirst.Data!.IsRefunded, queryFirst.Data.RefundAmount!.Value));
        Assert.False(queryUnknown.Data!.IsRefunded);
        Assert.Equal("TRADE_CLOSED", (await sim.Alipay.QueryTradeAsync(order.OutTradeNo)).Data!.TradeStatus);

        var refunded = await sim.App.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Refunded);
        Assert.Equal(198m, refunded.RefundedAmount);
        Assert.Equal(0, await sim.App.QueryAsync(db => db.CourseOwnerships.CountAsync(x => x.OrderId == order.Id)));
    }
}
