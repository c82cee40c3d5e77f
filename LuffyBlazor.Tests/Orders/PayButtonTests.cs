using System.Web;
using Bunit;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Orders;

/// <summary>
/// 立即购买 and 去支付 when the order has run out of time between showing the button and building the cashier URL:
/// a message (or a fresh order), never a crashed page. The pages share the app's fake clock; their forms are
/// submitted as the post of a static page would run them.
/// </summary>
public sealed class PayButtonTests : LearnerPageTest, IClassFixture<ScriptedAlipayApp>
{
    public PayButtonTests(ScriptedAlipayApp fixture) : base(fixture)
    {
    }

    protected override void AddPageServices()
    {
        UseAppService<OrderService>();
        UseAppService<OrderQueries>();
        UseAppService<Cart>();
        UseAppService<Checkout>();
        UseAppService<WeChatCheckout>();
        UseAppService<PaymentReconciliation>();
        Services.AddSingleton<TimeProvider>(Fixture.Clock);
        Services.AddScoped<BrowserCheckout>();
        UseAppService<PayTypeSwitch>();
        Services.AddScoped<PayAgain>();
    }

    private async Task<string> SignedInLearnerAsync()
    {
        var (learner, name) = await App.CreateLearnerAsync();
        SignIn(learner, name);
        return learner;
    }

    /// <summary>The biz_content of the cashier URL the page navigated to, if it did.</summary>
    private System.Text.Json.JsonElement? CashierBizContent()
    {
        var uri = Services.GetRequiredService<NavigationManager>().Uri;
        var bizContent = HttpUtility.ParseQueryString(new Uri(uri).Query)["biz_content"];
        return bizContent is null ? null : System.Text.Json.JsonDocument.Parse(bizContent).RootElement;
    }

    private string? CashierOrderNumber() => CashierBizContent()?.GetProperty("out_trade_no").GetString();

    [Fact]
    public async Task Pay_on_a_stale_orders_list_after_the_deadline_explains_and_reloads_instead_of_crashing()
    {
        var learner = await SignedInLearnerAsync();
        var order = await App.PlaceOrderAsync(learner, 3);
        var page = Render<MyOrdersPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find($"[data-order='{order.OutTradeNo}'] .order-pay")), TimeSpan.FromSeconds(10));

        Fixture.Clock.Advance(TimeSpan.FromMinutes(14.5));
        await page.Find($"[data-order='{order.OutTradeNo}'] form:has(.order-pay)").SubmitAsync();

        Assert.Null(CashierOrderNumber());
        page.WaitForAssertion(() => Assert.Contains("已无法支付", page.Find("#orders-message").TextContent), TimeSpan.FromSeconds(10));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll($"[data-order='{order.OutTradeNo}'] .order-pay")), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Pay_again_from_my_orders_sends_the_remaining_deadline_as_time_expire()
    {
        var learner = await SignedInLearnerAsync();
        var order = await App.PlaceOrderAsync(learner, 5);
        Fixture.Clock.Advance(TimeSpan.FromMinutes(6));
        var page = Render<MyOrdersPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find($"[data-order='{order.OutTradeNo}'] .order-pay")), TimeSpan.FromSeconds(10));

        await page.Find($"[data-order='{order.OutTradeNo}'] form:has(.order-pay)").SubmitAsync();

        Assert.Equal(order.OutTradeNo, CashierOrderNumber());
        Assert.Equal(order.ExpiresAt.AddHours(8).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), CashierBizContent()!.Value.GetProperty("time_expire").GetString());
    }

    [Fact]
    public async Task Buy_that_gets_back_an_order_which_runs_out_of_time_on_the_way_places_a_fresh_one()
    {
        var learner = await SignedInLearnerAsync();
        var earlier = await App.PlaceOrderAsync(learner, 4);
        Fixture.Clock.Advance(TimeSpan.FromMinutes(12.5)); // 2.5 minutes left: a second Buy gets it back
        // The order Buy gets back has 30 seconds left by the time its cashier URL is built (a slow database, say).
        var checkout = Services.GetRequiredService<BrowserCheckout>();
        var orders = Services.GetRequiredService<OrderService>();
        var places = 0;

        var refusal = await checkout.BuyAsync(async () =>
        {
            var placed = await orders.PlaceOrderAsync(learner, [4]);
            if (++places == 1)
            {
                Fixture.Clock.Advance(TimeSpan.FromMinutes(2));
            }

            return placed;
        }, new Buyer("Mozilla/5.0 (X11; Linux x86_64)", null));

        Assert.Null(refusal);
        Assert.Equal(2, places);
        var numbers = await App.QueryAsync(db => db.Orders.Where(o => o.UserId == learner).Select(o => o.OutTradeNo).ToListAsync());
        var fresh = Assert.Single(numbers, n => n != earlier.OutTradeNo);
        Assert.Equal(fresh, CashierOrderNumber());
    }
}
