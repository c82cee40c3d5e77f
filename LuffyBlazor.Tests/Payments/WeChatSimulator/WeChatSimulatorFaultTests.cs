using System.Net;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Features.Payments.WeChat;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Payments.WeChatSimulator;

/// <summary>
/// The WeChat Pay simulator's fault switches over real Kestrel, each against the shop's reaction: copies pay once,
/// "notify before the return" pays before the buyer is back, the console's switches stand, 立即发送 and 重放 reach the
/// shop (a replay changes nothing), and an erring or forged API answer changes nothing until it is switched off.
/// Dropped, concurrent, forged and tampered notifies are in <see cref="WeChatSimulatorTests"/>.
/// </summary>
public sealed class WeChatSimulatorFaultTests : IDisposable
{
    private readonly WeChatSimulatorApp sim = new();

    public void Dispose() => sim.Dispose();

    private Task<int> LogsAsync(Order order) => sim.App.QueryAsync(db => db.NotifyLogs.CountAsync(l => l.OutTradeNo == order.OutTradeNo));

    private Task<int> PaidChangesAsync(Order order) =>
        sim.App.QueryAsync(db => db.OrderStatusChanges.CountAsync(c => c.OrderId == order.Id && c.To == OrderStatus.Paid));

    private async Task<SyncOutcome> SyncAsync(Order order)
    {
        await using var scope = sim.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PaymentReconciliation>().SyncAsync(order.OutTradeNo, "test");
    }

    [Fact]
    public async Task Copies_sent_one_after_another_are_each_logged_and_pay_once()
    {
        var (order, started) = await sim.StartAsync(1);

        using (await sim.PayAsync(started, "pay", ("fault", "Repeat"), ("copies", "3")))
        {
        }

        await WeChatSimulatorApp.WaitUntilAsync(async () => await LogsAsync(order) == 3);
        Assert.Equal(OrderStatus.Paid, (await sim.App.OrderAsync(order.OutTradeNo)).Status);
        Assert.Equal(1, await PaidChangesAsync(order));
        var sent = await sim.NotificationsAsync(order.OutTradeNo);
        Assert.Equal(3, sent.Count);
        Assert.Single(sent.Select(n => n.Body).Distinct()); // copies of one notify (one id), as WeChat's duplicates are
    }

    [Fact]
    public async Task With_notify_before_the_return_the_order_is_paid_when_the_h5_buyer_comes_back()
    {
        var (order, started) = await sim.StartAsync(2, WeChatScene.H5);

        using var paid = await sim.PayAsync(started with { H5Url = started.H5Url + "?redirect_url=%2Forders" }, "pay",
            ("fault", "BeforeReturn"), ("redirect_url", "/orders"));

        Assert.Equal(HttpStatusCode.Redirect, paid.StatusCode);
        Assert.Equal(OrderStatus.Paid, (await sim.App.OrderAsync(order.OutTradeNo)).Status); // no waiting: delivered before the redirect
        Assert.Equal(NotificationState.Delivered, Assert.Single(await sim.NotificationsAsync(order.OutTradeNo)).State);
    }

    [Fact]
    public async Task Switches_saved_in_the_console_stand_when_the_buyer_pays_from_a_page_opened_before()
    {
        var (order, started) = await sim.StartAsync(3);
        var browser = sim.Browser();
        var cashier = await sim.CashierAsync(started);
        var page = WebUtility.HtmlDecode(await browser.GetStringAsync(cashier.PathAndQuery.TrimStart('/')));

        await sim.ConsolePostAsync($"trades/{order.OutTradeNo}/faults", ("fault", "Drop"), ("copies", "2"), ("delay", "30"));
        using var paid = await browser.PostAsync($"{cashier.AbsolutePath.TrimStart('/')}/pay", new FormUrlEncodedContent(Cashier.FormFields(page, "pay-form")));

        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Empty(await sim.NotificationsAsync(order.OutTradeNo)); // dropped, as the console said
        Assert.Equal(SyncResult.Paid, (await SyncAsync(order)).Result); // the shop finds the payment by querying
    }

    [Fact]
    public async Task Send_now_delivers_a_delayed_notify_at_once_and_a_replay_reaches_the_shop_but_pays_nothing_twice()
    {
        var (order, started) = await sim.StartAsync(4);
        using (await sim.PayAsync(started, "pay", ("fault", "Delay"), ("delay", "3600")))
        {
        }

        var pending = Assert.Single(await sim.NotificationsAsync(order.OutTradeNo));
        Assert.Equal(NotificationState.Pending, pending.State);
        Assert.Contains("立即发送", await sim.ConsoleAsync());

        await sim.ConsolePostAsync($"notifications/{pending.Id}/send");

        Assert.Equal(OrderStatus.Paid, (await sim.App.OrderAsync(order.OutTradeNo)).Status);
        Assert.Contains("重放", await sim.ConsoleAsync());
        await sim.ConsolePostAsync($"notifications/{pending.Id}/replay");
        await WeChatSimulatorApp.WaitUntilAsync(async () => await LogsAsync(order) == 2);
        var logs = await sim.App.QueryAsync(db => db.NotifyLogs.AsNoTracking().Where(l => l.OutTradeNo == order.OutTradeNo).ToListAsync());
        Assert.All(logs, l => Assert.Equal(NotifyVerdict.Accepted, l.Verdict)); // WeChat must hear 204 again, or it retries
        Assert.Equal(1, await PaidChangesAsync(order));
        Assert.Equal(1, await sim.App.QueryAsync(db => db.CourseOwnerships.CountAsync(x => x.OrderId == order.Id)));
    }

    [Theory]
    [InlineData("SystemError")]
    [InlineData("FrequencyLimited")]
    [InlineData("BadSignature")]
    public async Task An_erring_or_forged_query_answer_changes_nothing_and_the_query_pays_once_switched_off(string fault)
    {
        var (order, started) = await sim.StartAsync(5);
        using (await sim.PayAsync(started, "pay", ("fault", "Drop")))
        {
        }

        await sim.ConsolePostAsync($"trades/{order.OutTradeNo}/api-fault", ("api_fault", fault));
        var refused = await SyncAsync(order);

        Assert.Equal(SyncResult.Failed, refused.Result);
        Assert.Equal(OrderStatus.Unpaid, (await sim.App.OrderAsync(order.OutTradeNo)).Status);

        await sim.ConsolePostAsync($"trades/{order.OutTradeNo}/api-fault", ("api_fault", "None"));
        Assert.Equal(SyncResult.Paid, (await SyncAsync(order)).Result);
    }

    [Theory]
    [InlineData("SystemError", 0)]
    [InlineData("BadSignature", 1)]
    public async Task A_refund_answered_with_an_error_or_a_forged_signature_is_left_unknown_not_failed(string fault, int refundsAtWeChat)
    {
        var (order, started) = await sim.StartAsync(6);
        using (await sim.PayAsync(started))
        {
        }

        await sim.App.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Paid);
        await sim.ConsolePostAsync($"trades/{order.OutTradeNo}/api-fault", ("api_fault", fault));
        await using var scope = sim.App.Services.CreateAsyncScope();
        var refunds = scope.ServiceProvider.GetRequiredService<OrderRefunds>();

        var outcome = await refunds.RefundAsync(new RefundAsk(order.OutTradeNo, order.TotalAmount, "学员申请", 0m), new RefundRequester("admin", "admin:admin"));

        // A system error may or may not have refunded, and an answer that does not verify says nothing: the shop
        // must neither report success nor give up, but ask again (same out_refund_no).
        Assert.Equal(RefundResult.Unknown, outcome.Result);
        Assert.Equal(refundsAtWeChat, await sim.QuerySimulatorAsync(db => db.Refunds.CountAsync(r => r.OutTradeNo == order.OutTradeNo)));
        if (refundsAtWeChat == 0)
        {
            Assert.NotEqual(OrderStatus.Refunded, (await sim.App.OrderAsync(order.OutTradeNo)).Status);
        }
        else
        {
            // The refund did happen: WeChat's own signed REFUND.SUCCESS notify (racing the answer) settles what the
            // forged answer could not, so the order ends refunded exactly once.
            await sim.App.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Refunded);
        }
    }
}
