using Bunit;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Admin;

/// <summary>An order a reused Alipay trade number tried to pay, as the back office shows it.</summary>
public sealed class TradeNoConflictTests : AdminComponentTest, IClassFixture<TradeNoConflictTests.Shop>
{
    public sealed class Shop() : LuffyAppFactory(AlipayTestKeys.Settings());

    public TradeNoConflictTests(Shop app) : base(app)
    {
    }

    /// <summary>One order paid with a trade number, then another order "paid" with the same one.</summary>
    private async Task<(Order Paid, Order Flagged, string Learner)> ReusedTradeNoAsync()
    {
        var (learner, name) = await App.CreateLearnerAsync();
        var paid = await App.PlaceOrderAsync(learner, 10);
        var flagged = await App.PlaceOrderAsync(learner, 11);
        var tradeNo = "2026112522001" + paid.OutTradeNo[^15..];
        await using var scope = App.Services.CreateAsyncScope();
        var transitions = scope.ServiceProvider.GetRequiredService<OrderTransitions>();
        Assert.Equal(PaymentOutcome.MarkedPaid,
            await transitions.ApplyPaymentAsync(new PaymentConfirmation(paid.OutTradeNo, tradeNo, paid.TotalAmount, null, null), "alipay-notify"));
        Assert.Equal(PaymentOutcome.TradeNoReused,
            await transitions.ApplyPaymentAsync(new PaymentConfirmation(flagged.OutTradeNo, tradeNo, flagged.TotalAmount, null, null), "alipay-notify"));
        return (paid, flagged, name);
    }

    [Fact]
    public async Task The_conflict_filter_shows_only_the_flagged_order_with_its_chip()
    {
        var (paid, flagged, learner) = await ReusedTradeNoAsync();
        await SignInAsAdminAsync();

        var page = RenderPage<OrdersPage>($"/admin/orders?trade_no_conflict=1&user={learner}");

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#orders-grid tbody .order-link")), TimeSpan.FromSeconds(10));
        var row = Assert.Single(page.FindAll("#orders-grid tbody tr"), tr => tr.QuerySelector(".order-link") is not null);
        Assert.Equal(flagged.OutTradeNo, row.QuerySelector(".order-link")!.TextContent.Trim());
        Assert.Equal("交易号冲突", row.QuerySelector(".trade-no-conflict")!.TextContent.Trim());
        Assert.DoesNotContain(paid.OutTradeNo, page.Markup);
        Assert.Equal($"api/v1/admin/orders/export.csv?user={learner}&trade_no_conflict=1", page.Find("#orders-export").GetAttribute("href"));
    }

    [Fact]
    public async Task The_flagged_orders_page_says_why_it_was_not_marked_paid()
    {
        var (_, flagged, _) = await ReusedTradeNoAsync();
        await SignInAsAdminAsync();

        var page = RenderPage<OrderDetailPage>($"/admin/orders/{flagged.OutTradeNo}", p => p.Add(nameof(OrderDetailPage.OutTradeNo), flagged.OutTradeNo));

        page.WaitForAssertion(() => Assert.Contains("同一笔支付宝交易只能支付一个订单", page.Find("#trade-no-conflict").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("未支付", page.Find(".order-status").TextContent.Trim());
    }
}
