using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;

namespace LuffyBlazor.Tests.Orders;

/// <summary>
/// How a learner reads an order's amount on /orders and its order page (/pay/success): 应付 for an order never paid,
/// 实付 once paid, 已退 ¥x after a partial refund, and an unpaid order past its deadline that the sweeper has not
/// closed yet says so and offers no button that would fail. Rendered by the running app, read as the browser gets it.
/// </summary>
public sealed class OrderAmountTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private readonly HtmlParser parser = new();

    private async Task<(HttpClient Browser, string UserId)> LearnerAsync()
    {
        var (userId, name) = await app.CreateLearnerAsync("amount");
        return (await app.BrowserForAsync(name), userId);
    }


    private async Task<IElement> OrderCardAsync(HttpClient browser, Order order)
    {
        var page = await parser.ParseDocumentAsync(await browser.GetStringAsync("/orders"));
        return page.QuerySelector($"[data-order='{order.OutTradeNo}']") ?? throw new Xunit.Sdk.XunitException($"/orders does not list {order.OutTradeNo}");
    }

    private static string Amount(IElement card) => card.QuerySelector(".order-amount")!.TextContent.Trim();

    [Theory]
    [InlineData(OrderStatus.Unpaid)]
    [InlineData(OrderStatus.Cancelled)]
    [InlineData(OrderStatus.TimedOut)]
    public async Task An_order_never_paid_reads_what_is_due_and_never_paid(OrderStatus status)
    {
        var (browser, userId) = await LearnerAsync();
        var order = await app.OrderInStateAsync(userId, 2, status);

        var amount = Amount(await OrderCardAsync(browser, order));

        Assert.StartsWith($"应付 ¥{order.TotalAmount:0.00}", amount);
        Assert.DoesNotContain("实付", amount);
        Assert.DoesNotContain("已退", amount);
    }

    [Fact]
    public async Task A_paid_order_reads_what_was_paid_and_its_order_page_says_the_same()
    {
        var (browser, userId) = await LearnerAsync();
        var order = await app.OrderInStateAsync(userId, 3, OrderStatus.Paid);

        var card = await OrderCardAsync(browser, order);
        var result = await parser.ParseDocumentAsync(await browser.GetStringAsync($"/pay/success?out_trade_no={order.OutTradeNo}"));

        Assert.StartsWith($"实付 ¥{order.TotalAmount:0.00} · 支付于", Amount(card));
        Assert.DoesNotContain("已退", Amount(card));
        Assert.Equal("实付", result.QuerySelector("#pay-total")!.PreviousElementSibling!.TextContent);
        Assert.Equal($"¥{order.TotalAmount:0.00}", result.QuerySelector("#pay-total")!.TextContent);
    }

    [Fact]
    public async Task A_partial_refund_shows_what_was_refunded_on_my_orders_and_on_the_order_page()
    {
        var (browser, userId) = await LearnerAsync();
        var order = await app.OrderInStateAsync(userId, 4, OrderStatus.Paid, refunded: 30.50m);

        var card = await OrderCardAsync(browser, order);
        var result = await parser.ParseDocumentAsync(await browser.GetStringAsync($"/pay/success?out_trade_no={order.OutTradeNo}"));

        Assert.StartsWith($"实付 ¥{order.TotalAmount:0.00} · 已退 ¥30.50", Amount(card));
        Assert.Equal($"¥{order.TotalAmount:0.00}（已退 ¥30.50）", result.QuerySelector("#pay-total")!.TextContent);
    }

    [Fact]
    public async Task An_unpaid_order_past_its_deadline_not_yet_swept_says_so_and_offers_neither_pay_nor_cancel()
    {
        var (browser, userId) = await LearnerAsync();
        var live = await app.OrderInStateAsync(userId, 5, OrderStatus.Unpaid);
        // 40 s left: less than the minute a buyer needs to pay, and not yet expired, so the sweeper leaves it alone.
        var stale = await app.OrderInStateAsync(userId, 6, OrderStatus.Unpaid, expiresIn: TimeSpan.FromSeconds(40));

        var staleCard = await OrderCardAsync(browser, stale);
        var liveCard = await OrderCardAsync(browser, live);

        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(stale.OutTradeNo)).Status);
        Assert.Contains("应付", Amount(staleCard));
        Assert.Contains("已超过支付期限，订单即将关闭", Amount(staleCard));
        Assert.Null(staleCard.QuerySelector(".order-pay"));
        Assert.Null(staleCard.QuerySelector(".order-cancel"));
        Assert.Contains("请在", Amount(liveCard));
        Assert.NotNull(liveCard.QuerySelector(".order-pay"));
        Assert.DoesNotContain("已超过支付期限", Amount(liveCard));
    }

    [Fact]
    public void The_label_is_paid_only_once_money_was_taken()
    {
        OrderView View(OrderStatus status, DateTime? paid) => new("n", "s", 1m, status, DateTime.UtcNow, DateTime.UtcNow.AddMinutes(15), paid, null, []);

        Assert.Equal(
            ["应付", "应付", "应付", "实付", "实付"],
            [View(OrderStatus.Unpaid, null).AmountLabel, View(OrderStatus.Cancelled, null).AmountLabel, View(OrderStatus.TimedOut, null).AmountLabel,
                View(OrderStatus.Paid, DateTime.UtcNow).AmountLabel, View(OrderStatus.Refunded, DateTime.UtcNow).AmountLabel]);
    }
}
