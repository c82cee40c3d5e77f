using Bunit;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Orders;

/// <summary>/pay/success rendered with bUnit over a real database, with Alipay scripted on a local gateway.</summary>
public sealed class PaySuccessPageTests : LearnerPageTest, IClassFixture<ScriptedAlipayApp>
{
    private readonly FakeTimeProvider pageClock = new(DateTimeOffset.UtcNow);

    public PaySuccessPageTests(ScriptedAlipayApp fixture) : base(fixture)
    {
    }

    protected override void AddPageServices()
    {
        UseAppService<AlipayCallbacks>();
        UseAppService<OrderQueries>();
        UseAppService<PaymentReconciliation>();
        Services.AddSingleton<TimeProvider>(pageClock);
        UseOrderWatch(pageClock);
    }

    /// <summary>The query string Alipay sends the browser back with, signed by "Alipay".</summary>
    private static string ReturnQuery(Order order, bool forged = false)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("charset", "utf-8"), new("out_trade_no", order.OutTradeNo), new("method", "alipay.trade.page.pay.return"),
            new("total_amount", LuffyBlazor.Common.Money.Format(order.TotalAmount)), new("trade_no", "2026112522001446870500099999"),
            new("app_id", AlipayTestKeys.AppId), new("seller_id", "2088102177649450"), new("timestamp", "2026-11-25 16:31:12"), new("version", "1.0"),
        };
        fields.Add(new("sign", AlipaySignature.Sign(AlipaySignature.BuildSignContent(fields, false), AlipayTestKeys.AlipayPrivateKey)));
        fields.Add(new("sign_type", "RSA2"));
        if (forged)
        {
            fields[3] = new("total_amount", "0.01");
        }

        return QueryHelpers.AddQueryString("/pay/success", fields.Select(f => KeyValuePair.Create(f.Key, (string?)f.Value)));
    }

    private IRenderedComponent<PaySuccessPage> RenderAt(string url)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        var page = Render<PaySuccessPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#pay-status, #pay-neutral")), TimeSpan.FromSeconds(5));
        return page;
    }

    private async Task<(string UserId, Order Order)> OrderAsync(int courseId)
    {
        var (learner, name) = await App.CreateLearnerAsync();
        SignIn(learner, name);
        return (learner, await App.PlaceOrderAsync(learner, courseId));
    }

    private async Task PayAsync(Order order)
    {
        var outcome = await AppScope.ServiceProvider.GetRequiredService<OrderTransitions>()
            .ApplyPaymentAsync(new PaymentConfirmation(order.OutTradeNo, "2026112522001" + order.OutTradeNo[^15..], order.TotalAmount, null, null), "alipay-notify");
        Assert.Equal(PaymentOutcome.MarkedPaid, outcome);
    }

    [Fact]
    public async Task A_paid_order_shows_success_its_number_and_links_to_start_learning()
    {
        var (_, order) = await OrderAsync(1);
        await PayAsync(order);

        var page = RenderAt(ReturnQuery(order));

        Assert.Equal("支付成功", page.Find("#pay-status").TextContent.Trim());
        Assert.Equal(order.OutTradeNo, page.Find("#pay-order-no").TextContent);
        Assert.Contains("学习《Python 全栈开发》", page.Markup);
        Assert.Empty(page.FindAll("#bad-signature"));
    }

    [Fact]
    public async Task An_unpaid_order_waits_and_shows_success_by_itself_when_the_notify_lands()
    {
        var (_, order) = await OrderAsync(2);
        var page = RenderAt(ReturnQuery(order));
        Assert.Equal("还未收到支付结果", page.Find("#pay-status").TextContent.Trim());

        await PayAsync(order);
        pageClock.Advance(TimeSpan.FromSeconds(2));

        page.WaitForAssertion(() => Assert.Equal("支付成功", page.Find("#pay-status").TextContent.Trim()), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Asking_alipay_applies_a_confirmed_payment_through_the_notify_path()
    {
        var (_, order) = await OrderAsync(3);
        Fixture.Alipay.Trades[order.OutTradeNo] = ("TRADE_SUCCESS", order.TotalAmount);
        var page = RenderAt(ReturnQuery(order));

        await page.Find("#recheck").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("支付成功", page.Find("#pay-status").TextContent.Trim()), TimeSpan.FromSeconds(5));
        var history = await App.QueryAsync(db => db.OrderStatusChanges.Where(c => c.OrderId == order.Id && c.To == OrderStatus.Paid).ToListAsync());
        Assert.Equal("return-page", Assert.Single(history).Actor);
        Assert.Equal(1, await App.QueryAsync(db => db.CourseOwnerships.CountAsync(x => x.OrderId == order.Id)));
    }

    [Fact]
    public async Task Asking_alipay_before_the_cashier_was_opened_says_so_and_changes_nothing()
    {
        var (_, order) = await OrderAsync(4);
        var page = RenderAt(ReturnQuery(order));

        await page.Find("#recheck").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("支付宝尚无该笔交易", page.Find("#recheck-message").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal(OrderStatus.Unpaid, (await App.OrderAsync(order.OutTradeNo)).Status);
    }

    [Fact]
    public async Task A_database_error_while_asking_alipay_shows_a_message_and_keeps_the_page_alive()
    {
        var (_, order) = await OrderAsync(7);
        Fixture.Alipay.Trades[order.OutTradeNo] = ("TRADE_SUCCESS", order.TotalAmount);
        var trigger = $"fail_recheck_{order.Id}";
        // Trigger names cannot be SQL parameters; both come from the test's own order id.
        var createTrigger = $"CREATE TRIGGER {trigger} BEFORE UPDATE OF Status ON Orders WHEN OLD.Id = {order.Id} BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;";
        var dropTrigger = $"DROP TRIGGER {trigger};";
        await App.QueryAsync(db => db.Database.ExecuteSqlRawAsync(createTrigger));
        var page = RenderAt(ReturnQuery(order));

        try
        {
            await page.Find("#recheck").ClickAsync(new());
        }
        finally
        {
            await App.QueryAsync(db => db.Database.ExecuteSqlRawAsync(dropTrigger));
        }

        page.WaitForAssertion(() => Assert.Contains("暂时无法确认支付结果", page.Find("#recheck-message").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("还未收到支付结果", page.Find("#pay-status").TextContent.Trim());
        Assert.False(page.Find("#recheck").HasAttribute("disabled"));
    }

    [Fact]
    public async Task A_forged_return_is_flagged_and_the_status_still_comes_from_the_database()
    {
        var (_, order) = await OrderAsync(5);

        var page = RenderAt(ReturnQuery(order, forged: true));

        Assert.NotNull(page.Find("#bad-signature"));
        Assert.Equal("还未收到支付结果", page.Find("#pay-status").TextContent.Trim());
    }

    [Fact]
    public async Task Someone_elses_order_gets_a_neutral_message()
    {
        var (_, order) = await OrderAsync(6);
        var (other, otherName) = await App.CreateLearnerAsync("other");
        SignIn(other, otherName);

        var page = RenderAt(ReturnQuery(order));

        Assert.NotNull(page.Find("#pay-neutral"));
        Assert.DoesNotContain(order.OutTradeNo, page.Markup);
        Assert.Empty(page.FindAll("#pay-status"));
    }
}

/// <summary>/pay/success's background re-check (a task nobody awaits) when the database fails under it.</summary>
public sealed class PaySuccessPagePollingTests : LearnerPageTest, IClassFixture<ScriptedAlipayApp>
{
    private readonly FakeTimeProvider pageClock = new(DateTimeOffset.UtcNow);
    private readonly CapturedLogs logs = new();
    private FailingAfterThreeUses database = null!;

    public PaySuccessPagePollingTests(ScriptedAlipayApp fixture) : base(fixture)
    {
    }

    protected override void AddPageServices()
    {
        database = new FailingAfterThreeUses(AppScope.ServiceProvider.GetRequiredService<IDbContextFactory<LuffyBlazor.Data.LuffyDbContext>>());
        Services.AddSingleton(new OrderQueries(database, AppScope.ServiceProvider.GetRequiredService<LuffyBlazor.Features.Storage.IFileStore>()));
        UseAppService<AlipayCallbacks>();
        UseAppService<PaymentReconciliation>();
        Services.AddSingleton<TimeProvider>(pageClock);
        UseOrderWatch(pageClock, database);
        Services.AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(new Microsoft.Extensions.Logging.LoggerFactory([logs]));
    }

    /// <summary>
    /// The page's read, its waiting island's first read and the watch's first re-check work; every later read fails,
    /// as a database going away would.
    /// </summary>
    private sealed class FailingAfterThreeUses(IDbContextFactory<LuffyBlazor.Data.LuffyDbContext> inner) : IDbContextFactory<LuffyBlazor.Data.LuffyDbContext>
    {
        private int uses;

        public int Uses => Volatile.Read(ref uses);

        public LuffyBlazor.Data.LuffyDbContext CreateDbContext() =>
            Interlocked.Increment(ref uses) <= 3 ? inner.CreateDbContext() : throw new InvalidOperationException("database gone");
    }

    [Fact]
    public async Task A_failing_re_check_is_logged_and_leaves_the_page_asking_the_learner_to_check_by_hand()
    {
        var (learner, name) = await App.CreateLearnerAsync();
        SignIn(learner, name);
        var order = await App.PlaceOrderAsync(learner, 8);
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/pay/success?out_trade_no={order.OutTradeNo}");
        var page = Render<PaySuccessPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#pay-status")), TimeSpan.FromSeconds(5));
        // The page's re-check waits on the clock: time moves on (in its 2 s steps) only once the page waits, so a busy
        // machine cannot make the test advance the clock before the page's timer exists.
        await AdvanceUntilAsync(() => database.Uses >= 3); // the first re-check reads the order: still unpaid, still watching
        page.WaitForAssertion(() => Assert.Contains("正在自动刷新", page.Markup), TimeSpan.FromSeconds(5));

        await AdvanceUntilAsync(() => database.Uses >= 4); // the second one fails

        page.WaitForAssertion(() => Assert.Contains("如果您已付款，请向支付宝查询。", page.Markup), TimeSpan.FromSeconds(5));
        page.WaitForAssertion(() => Assert.Contains(logs.Errors,
            e => e.Message == $"Watching order {order.OutTradeNo} for its payment failed" && e.Exception?.Message == "database gone"), TimeSpan.FromSeconds(5));
        Assert.False(page.Find("#recheck").HasAttribute("disabled"));
    }

    private Task AdvanceUntilAsync(Func<bool> done) => AdvanceUntilAsync(pageClock, done, "the page did not re-check the order");
}
