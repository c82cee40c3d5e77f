using Bunit;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Admin;

/// <summary>An order that paid for a course its learner already owned, as the admin orders grid shows it.</summary>
public sealed class DuplicatePurchaseGridTests : AdminComponentTest, IClassFixture<DuplicatePurchaseGridTests.Shop>
{
    public sealed class Shop() : LuffyAppFactory(AlipayTestKeys.Settings());

    public DuplicatePurchaseGridTests(Shop app) : base(app)
    {
    }

    /// <summary>Two paid orders of one learner that share course 7; the second is the duplicate.</summary>
    private async Task<(Order First, Order Duplicate)> PaidTwiceAsync()
    {
        var (learner, _) = await App.CreateLearnerAsync();
        var first = await App.PlaceOrderAsync(learner, 7);
        var duplicate = await App.PlaceOrderAsync(learner, 7, 8);
        await using var scope = App.Services.CreateAsyncScope();
        var transitions = scope.ServiceProvider.GetRequiredService<OrderTransitions>();
        foreach (var order in new[] { first, duplicate })
        {
            await transitions.ApplyPaymentAsync(new PaymentConfirmation(order.OutTradeNo, "T" + order.Id, order.TotalAmount, null, null), "alipay-notify");
        }

        return (first, duplicate);
    }

    [Fact]
    public async Task The_duplicate_filter_shows_only_the_second_order_with_its_chip()
    {
        var (first, duplicate) = await PaidTwiceAsync();
        await SignInAsAdminAsync();

        var page = RenderPage<OrdersPage>("/admin/orders?duplicate_purchase=1");

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#orders-grid tbody .order-link")), TimeSpan.FromSeconds(10));
        var rows = page.FindAll("#orders-grid tbody tr").Where(tr => tr.QuerySelector(".order-link") is not null).ToList();
        var row = Assert.Single(rows);
        Assert.Equal(duplicate.OutTradeNo, row.QuerySelector(".order-link")!.TextContent.Trim());
        Assert.Equal("重复购买", row.QuerySelector(".duplicate-purchase")!.TextContent.Trim());
        Assert.DoesNotContain(first.OutTradeNo, page.Markup);
        Assert.Equal("api/v1/admin/orders/export.csv?duplicate_purchase=1", page.Find("#orders-export").GetAttribute("href"));
    }
}
