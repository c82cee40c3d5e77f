using System.Net;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Payments.Simulator;

/// <summary>The console's fault switches, each against the real app: whatever the notify does, one correct result.</summary>
public sealed class SimulatorFaultTests(SimulatorApp sim) : IClassFixture<SimulatorApp>
{
    private async Task<(Order Order, HttpResponseMessage Return)> PayWithAsync(int courseId, Dictionary<string, string> faults)
    {
        var (learner, _) = await sim.App.CreateLearnerAsync();
        var order = await sim.App.PlaceOrderAsync(learner, courseId);
        return (order, await Cashier.PayAsync(sim.Browser(), sim.PayUrl(order), faults));
    }

    private Task<List<SimulatorNotification>> NotificationsAsync(Order order) =>
        sim.App.QuerySimulatorAsync(db => db.Set<SimulatorNotification>().AsNoTracking()
            .Where(n => db.Set<SimulatorTrade>().Any(t => t.Id == n.TradeId && t.OutTradeNo == order.OutTradeNo)).OrderBy(n => n.Id).ToListAsync());

    private Task<List<SimulatorNotifyAttempt>> AttemptsAsync(IEnumerable<long> notificationIds)
    {
        var ids = notificationIds.ToList();
        return sim.App.QuerySimulatorAsync(db => db.Set<SimulatorNotifyAttempt>().AsNoTracking().Where(a => ids.Contains(a.NotificationId)).ToListAsync());
    }

    private Task<List<NotifyLog>> NotifyLogsAsync(Order order) =>
        sim.App.QueryAsync(db => db.NotifyLogs.AsNoTracking().Where(l => l.OutTradeNo == order.OutTradeNo).ToListAsync());

    private async Task<SyncOutcome> AskAlipayAsync(Order order)
    {
        await using var scope = sim.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PaymentReconciliation>().SyncAsync(order.OutTradeNo, "return-page");
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 300 && !await condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(await condition(), what);
    }

    [Fact]
    public async Task Twenty_concurrent_copies_pay_the_order_once_and_all_are_answered_success()
    {
        var (order, back) = await PayWithAsync(7, new() { ["fault"] = "Concurrent", ["copies"] = "20" });
        back.Dispose();

        var notifications = await NotificationsAsync(order);
        Assert.Equal(20, notifications.Count);
        Assert.Single(notifications.Select(n => n.NotifyId).Distinct());
        await WaitAsync(async () => (await NotificationsAsync(order)).All(n => n.State == NotificationState.Delivered), "all 20 copies delivered");
        var attempts = await AttemptsAsync(notifications.Select(n => n.Id));
        Assert.Equal(20, attempts.Count);
        Assert.All(attempts, a => Assert.Equal("success", a.Answer));
        Assert.Equal(OrderStatus.Paid, (await sim.App.OrderAsync(order.OutTradeNo)).Status);
        Assert.Equal(1, await sim.App.QueryAsync(db => db.CourseOwnerships.CountAsync(x => x.OrderId == order.Id)));
        Assert.Equal(1, await sim.App.QueryAsync(db => db.OrderStatusChanges.CountAsync(c => c.OrderId == order.Id && c.To == OrderStatus.Paid)));
        Assert.Equal(20, (await NotifyLogsAsync(order)).Count(l => l.Verdict == NotifyVerdict.Accepted));
    }

    [Theory]
    [InlineData("tamper_amount")]
    [InlineData("tamper_signature")]
    public async Task A_tampered_notify_is_refused_and_retried_with_the_same_notify_id_and_the_order_is_paid_only_by_asking(string tamper)
    {
        var (order, back) = await PayWithAsync(8, new() { ["fault"] = "Normal", [tamper] = "true" });
        back.Dispose();

        var notification = Assert.Single(await NotificationsAsync(order));
        await WaitAsync(async () => (await AttemptsAsync([notification.Id])).Count >= 3, "retried at least twice");
        var attempts = await AttemptsAsync([notification.Id]);
        Assert.All(attempts, a => Assert.Equal("failure", a.Answer));
        Assert.All(await NotifyLogsAsync(order), l =>
        {
            Assert.Equal(NotifyVerdict.Rejected, l.Verdict);
            Assert.Equal(notification.NotifyId, l.NotifyId);
        });
        Assert.Equal(OrderStatus.Unpaid, (await sim.App.OrderAsync(order.OutTradeNo)).Status);

        Assert.Equal(SyncResult.Paid, (await AskAlipayAsync(order)).Result);
        Assert.Equal(OrderStatus.Paid, (await sim.App.OrderAsync(order.OutTradeNo)).Status);
    }

    [Fact]
    public async Task A_dropped_notify_leaves_the_order_unpaid_until_the_app_asks_alipay()
    {
        var (order, back) = await PayWithAsync(9, new() { ["fault"] = "Drop" });
        back.Dispose();
        await Task.Delay(500);

        Assert.Empty(await NotificationsAsync(order));
        Assert.Equal(OrderStatus.Unpaid, (await sim.App.OrderAsync(order.OutTradeNo)).Status);
        Assert.Equal(SyncResult.Paid, (await AskAlipayAsync(order)).Result);
        var paid = await sim.App.OrderAsync(order.OutTradeNo);
        Assert.Equal(OrderStatus.Paid, paid.Status);
        Assert.StartsWith("2088", paid.BuyerId);
    }

    [Fact]
    public async Task A_notify_sent_before_the_return_has_paid_the_order_when_the_browser_comes_back()
    {
        var (order, back) = await PayWithAsync(10, new() { ["fault"] = "BeforeReturn" });

        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.Equal(OrderStatus.Paid, (await sim.App.OrderAsync(order.OutTradeNo)).Status);
    }

    [Fact]
    public async Task A_delayed_notify_arrives_after_the_return()
    {
        var (order, back) = await PayWithAsync(11, new() { ["fault"] = "Delay", ["delay"] = "2" });
        back.Dispose();

        Assert.Equal(OrderStatus.Unpaid, (await sim.App.OrderAsync(order.OutTradeNo)).Status);
        await sim.App.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Paid);
    }

    [Fact]
    public async Task Repeated_copies_arrive_one_after_another_and_change_nothing_after_the_first()
    {
        var (order, back) = await PayWithAsync(12, new() { ["fault"] = "Repeat", ["copies"] = "3" });
        back.Dispose();

        await WaitAsync(async () => (await NotificationsAsync(order)).All(n => n.State == NotificationState.Delivered), "three copies delivered");
        var attempts = await AttemptsAsync((await NotificationsAsync(order)).Select(n => n.Id));
        Assert.Equal(3, attempts.Count);
        Assert.True(attempts.Max(a => a.At) - attempts.Min(a => a.At) >= TimeSpan.FromSeconds(1));
        Assert.Equal(1, await sim.App.QueryAsync(db => db.OrderStatusChanges.CountAsync(c => c.OrderId == order.Id && c.To == OrderStatus.Paid)));
    }

    [Fact]
    public async Task The_console_lists_trades_with_each_attempt_and_replays_a_notify_with_its_notify_id()
    {
        var (order, back) = await PayWithAsync(13, new() { ["fault"] = "Normal" });
        back.Dispose();
        await sim.App.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Paid);
        var notification = Assert.Single(await NotificationsAsync(order));
        await WaitAsync(async () => (await NotificationsAsync(order)).Single().State == NotificationState.Delivered, "delivered");
        var browser = sim.Browser();

        var console = WebUtility.HtmlDecode(await browser.GetStringAsync("dev/alipay/console"));
        Assert.Contains($"data-out-trade-no=\"{order.OutTradeNo}\"", console);
        Assert.Contains(notification.NotifyId, console);
        Assert.Contains("HTTP 200 “success”", console);

        using var replayed = await Cashier.SubmitAsync(browser, $"dev/alipay/console/notifications/{notification.Id}/replay", console);
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        await WaitAsync(async () => (await NotificationsAsync(order)).Count == 2 && (await NotificationsAsync(order)).All(n => n.State == NotificationState.Delivered), "replay delivered");
        var logs = await NotifyLogsAsync(order);
        Assert.Equal(2, logs.Count(l => l.NotifyId == notification.NotifyId && l.Verdict == NotifyVerdict.Accepted));
        Assert.Equal(1, await sim.App.QueryAsync(db => db.OrderStatusChanges.CountAsync(c => c.OrderId == order.Id && c.To == OrderStatus.Paid)));
    }

    [Fact]
    public async Task Fault_switches_set_in_the_console_apply_when_the_buyer_pays()
    {
        var (learner, _) = await sim.App.CreateLearnerAsync();
        var order = await sim.App.PlaceOrderAsync(learner, 14);
        var browser = sim.Browser();
        var (_, cashierUrl, _) = await Cashier.OpenAsync(browser, sim.PayUrl(order));
        var tradeNo = cashierUrl!.Split('/').Last();
        var console = WebUtility.HtmlDecode(await browser.GetStringAsync("dev/alipay/console"));

        using var saved = await Cashier.SubmitAsync(browser, $"dev/alipay/console/trades/{tradeNo}/faults", console, new Dictionary<string, string> { ["fault"] = "Drop" });
        var (_, _, cashier) = await Cashier.OpenAsync(browser, sim.PayUrl(order));

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("value=\"Drop\" checked", cashier); // the cashier shows the trade's switches
        (await Cashier.SubmitAsync(browser, cashierUrl + "/pay", cashier, new Dictionary<string, string> { ["fault"] = "Drop" })).Dispose();
        Assert.Empty(await NotificationsAsync(order));
    }

    /// <summary>An order's cashier page opened in one tab, then the console changing the trade's switches in another.</summary>
    private async Task<(Order Order, HttpClient Browser, string CashierUrl, string Cashier)> CashierOpenedBeforeConsoleChangeAsync(
        int courseId, Dictionary<string, string> consoleFaults)
    {
        var (learner, _) = await sim.App.CreateLearnerAsync();
        var order = await sim.App.PlaceOrderAsync(learner, courseId);
        var browser = sim.Browser();
        var (_, cashierUrl, cashier) = await Cashier.OpenAsync(browser, sim.PayUrl(order));
        var console = WebUtility.HtmlDecode(await browser.GetStringAsync("dev/alipay/console"));
        using var saved = await Cashier.SubmitAsync(browser, $"dev/alipay/console/trades/{cashierUrl!.Split('/').Last()}/faults", console, consoleFaults);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        return (order, browser, cashierUrl, cashier);
    }

    private Task<SimulatorTrade> TradeAsync(Order order) =>
        sim.App.QuerySimulatorAsync(db => db.Set<SimulatorTrade>().AsNoTracking().SingleAsync(t => t.OutTradeNo == order.OutTradeNo));

    [Fact]
    public async Task Paying_from_a_cashier_page_opened_before_a_console_change_keeps_the_console_settings()
    {
        var (order, browser, cashierUrl, cashier) = await CashierOpenedBeforeConsoleChangeAsync(15, new() { ["fault"] = "Drop", ["tamper_signature"] = "true" });

        // The buyer pays from the page opened before the change, its switches as that page showed them.
        using var back = await Cashier.SubmitAsync(browser, cashierUrl + "/pay", cashier, Cashier.FormFields(cashier, "pay-form"));

        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        var trade = await TradeAsync(order);
        Assert.Equal((NotifyFault.Drop, true), (trade.NotifyFault, trade.TamperSignature));
        Assert.Empty(await NotificationsAsync(order));
    }

    [Fact]
    public async Task A_switch_the_buyer_changes_on_an_old_cashier_page_is_applied_and_the_console_keeps_the_others()
    {
        var (order, browser, cashierUrl, cashier) = await CashierOpenedBeforeConsoleChangeAsync(
            1, new() { ["fault"] = "Delay", ["delay"] = "600", ["tamper_signature"] = "true" });
        var fields = Cashier.FormFields(cashier, "pay-form");
        fields["copies"] = "3";

        using var back = await Cashier.SubmitAsync(browser, cashierUrl + "/pay", cashier, fields);

        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        var trade = await TradeAsync(order);
        Assert.Equal((NotifyFault.Delay, TimeSpan.FromSeconds(600), 3, true), (trade.NotifyFault, trade.NotifyDelay, trade.NotifyCopies, trade.TamperSignature));
        var notification = Assert.Single(await NotificationsAsync(order));
        Assert.Equal(trade.PaidAt!.Value.AddSeconds(600), notification.NextAttemptAt);
    }
}
