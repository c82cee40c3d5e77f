using Bunit;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Orders;

/// <summary>The WeChat payment page's waiting island, on a fake clock over a real database and a fake WeChat Pay.</summary>
public sealed class WeChatPaymentWaitTests : LearnerPageTest, IClassFixture<WeChatPayApp>
{
    private readonly FakeTimeProvider pageClock = new(DateTimeOffset.UtcNow);
    private readonly WeChatPayApp app;

    public WeChatPaymentWaitTests(WeChatPayApp app) : base(app) => this.app = app;

    protected override void AddPageServices()
    {
        UseAppService<WeChatCheckout>();
        Services.AddSingleton<TimeProvider>(pageClock);
        UseOrderWatch(pageClock);
    }

    private async Task<Order> SignedInWithOrderAsync(int course)
    {
        var (learner, name) = await App.CreateLearnerAsync("wxwait");
        SignIn(learner, name);
        return await App.PlaceWeChatOrderAsync(learner, course);
    }

    private IRenderedComponent<WeChatPaymentWait> Render(Order order, TimeSpan waitFor) =>
        Render<WeChatPaymentWait>(p => p
            .Add(w => w.OutTradeNo, order.OutTradeNo)
            .Add(w => w.ExpiresAt, order.ExpiresAt)
            .Add(w => w.WaitFor, waitFor));

    private Task AdvanceUntilAsync(Func<bool> done) => AdvanceUntilAsync(pageClock, done, "the waiting page did not get there");

    private string LastNavigation => Services.GetRequiredService<NavigationManager>().Uri;

    [Fact]
    public async Task When_the_notify_lands_the_page_moves_on_to_the_result_by_itself()
    {
        var order = await SignedInWithOrderAsync(11);
        var wait = Render(order, TimeSpan.FromMinutes(5));
        Assert.Contains("正在等待支付结果", wait.Find("#wechat-wait-status").TextContent);

        await app.CreateClient().SendAsync(FakeWeChatPay.NotifyRequest(
            FakeWeChatPay.NotifyBody(FakeWeChatPay.Transaction(order.OutTradeNo, order.TotalAmount))));

        await AdvanceUntilAsync(() => LastNavigation.EndsWith($"/pay/success?out_trade_no={order.OutTradeNo}"));
    }

    [Fact]
    public async Task When_the_wait_runs_out_it_asks_wechat_once_then_stops_and_offers_refresh()
    {
        var order = await SignedInWithOrderAsync(12);
        app.WeChat.On($"/out-trade-no/{order.OutTradeNo}", 200, FakeWeChatPay.Transaction(order.OutTradeNo, order.TotalAmount, tradeState: "NOTPAY"));
        var wait = Render(order, TimeSpan.FromSeconds(10));
        Assert.Empty(wait.FindAll("#wechat-refresh"));

        await AdvanceUntilAsync(() => wait.FindAll("#wechat-refresh").Count > 0);

        Assert.Contains("已停止自动刷新", wait.Find("#wechat-wait-status").TextContent);
        Assert.Equal("刷新", wait.Find("#wechat-refresh").TextContent.Trim());
        Assert.Single(app.WeChat.Calls, c => c.PathAndQuery.Contains($"/out-trade-no/{order.OutTradeNo}"));
        Assert.DoesNotContain("/pay/success", LastNavigation);
    }

    [Fact]
    public async Task Refresh_after_the_wait_finds_a_payment_whose_notify_was_lost_and_moves_on()
    {
        var order = await SignedInWithOrderAsync(13);
        app.WeChat.On($"/out-trade-no/{order.OutTradeNo}", 200, FakeWeChatPay.Transaction(order.OutTradeNo, order.TotalAmount, tradeState: "NOTPAY"));
        var wait = Render(order, TimeSpan.FromSeconds(4));
        await AdvanceUntilAsync(() => wait.FindAll("#wechat-refresh").Count > 0);
        app.WeChat.On($"/out-trade-no/{order.OutTradeNo}", 200, FakeWeChatPay.Transaction(order.OutTradeNo, order.TotalAmount));

        await wait.Find("#wechat-refresh").ClickAsync(new());

        wait.WaitForAssertion(() => Assert.EndsWith($"/pay/success?out_trade_no={order.OutTradeNo}", LastNavigation), TimeSpan.FromSeconds(5));
        Assert.Equal(OrderStatus.Paid, (await App.OrderAsync(order.OutTradeNo)).Status);
        Assert.Equal(WeChatCheckout.Actor, await App.QueryAsync(db =>
            db.OrderStatusChanges.Where(h => h.OrderId == order.Id && h.To == OrderStatus.Paid).Select(h => h.Actor).SingleAsync()));
    }
}
