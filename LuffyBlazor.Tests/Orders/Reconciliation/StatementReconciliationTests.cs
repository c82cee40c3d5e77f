using System.Text;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Reconciliation;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Tests.Admin;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Orders.Reconciliation;

/// <summary>
/// Runs against a scripted gateway on a fake clock: statements that cannot be read, two runs of one day at once, the
/// morning job and its retries.
/// </summary>
public sealed class StatementReconciliationTests : IAsyncLifetime
{
    private readonly ScriptedAlipayApp shop = new();

    public Task InitializeAsync() => shop.InitializeAsync();

    public Task DisposeAsync() => shop.DisposeAsync();

    private LuffyAppFactory App => shop.App;

    /// <summary>Yesterday in Beijing, by the app's clock.</summary>
    private DateOnly Yesterday => shop.Clock.BeijingToday().AddDays(-1);

    /// <summary>A statement in which Alipay took the order's money.</summary>
    private static byte[] StatementPaying(DateOnly day, Order order)
    {
        var paidAt = new DateTimeOffset(day.ToDateTime(new TimeOnly(10, 0)), BeijingTime.Offset);
        return SimulatorStatementFile.Build("20880000000000010156", day,
            [new("2026112522001446870500099999", order.OutTradeNo, false, order.Subject, paidAt, paidAt, order.TotalAmount, null, null)], paidAt.AddDays(1));
    }

    private Task<ReconciliationRun> ReconcileAsync(DateOnly day) =>
        App.WithAsync<StatementReconciliation, ReconciliationRun>(r => r.RunAsync(day, "admin:test"));

    private Task<ReconciliationDay?> DayAsync(DateOnly day) =>
        App.QueryAsync(db => db.ReconciliationDays.AsNoTracking().SingleOrDefaultAsync(d => d.Date == day));

    private Task<List<ReconciliationMismatch>> MismatchesAsync() =>
        App.QueryAsync(db => db.ReconciliationMismatches.AsNoTracking().OrderBy(m => m.Id).ToListAsync());

    [Fact]
    public async Task A_malformed_statement_is_the_days_error_and_changes_nothing_else()
    {
        var order = await App.PlaceOrderAsync((await App.CreateLearnerAsync()).Id, 2);
        shop.Alipay.Statements[Yesterday] = StatementPaying(Yesterday, order);
        Assert.True((await ReconcileAsync(Yesterday)).Succeeded);
        var before = (await DayAsync(Yesterday))!;
        var mismatchesBefore = await MismatchesAsync();
        var header = string.Join(',', AlipayStatementReader.Columns);
        shop.Alipay.Statements[Yesterday] = Zip(SimulatorStatementFile.Detail("20880000000000010156", Yesterday, [], DateTimeOffset.UtcNow)
            .Replace(header, header.Replace("商家实收", "实收")));

        var run = await ReconcileAsync(Yesterday);

        Assert.False(run.Succeeded);
        Assert.Contains("对账单格式有误，未做任何更改", run.Message);
        Assert.Contains("表头与支付宝业务明细不符，缺少「商家实收（元）」", run.Message);
        var after = (await DayAsync(Yesterday))!;
        Assert.Equal((ReconciliationStatus.Done, before.MatchedCount, before.MismatchCount, before.AlipayIncome), (after.Status, after.MatchedCount, after.MismatchCount, after.AlipayIncome));
        Assert.Equal(run.Message, after.Error);
        Assert.Equal(shop.Clock.GetUtcNow().UtcDateTime + TimeSpan.FromHours(1), after.NextAttemptAt);
        Assert.Equal(mismatchesBefore.Select(m => (m.Id, m.Kind, m.OutTradeNo)), (await MismatchesAsync()).Select(m => (m.Id, m.Kind, m.OutTradeNo)));
        Assert.Equal(OrderStatus.Unpaid, (await App.OrderAsync(order.OutTradeNo)).Status);
    }

    [Fact]
    public async Task A_first_run_on_a_statement_that_is_not_a_zip_leaves_the_day_failed_with_the_reason()
    {
        shop.Alipay.Statements[Yesterday] = Encoding.UTF8.GetBytes("<html>网关错误</html>");

        var run = await ReconcileAsync(Yesterday);

        var day = (await DayAsync(Yesterday))!;
        Assert.Equal((ReconciliationStatus.Failed, 0, 0), (day.Status, day.MatchedCount, day.MismatchCount));
        Assert.StartsWith("对账单格式有误，未做任何更改：对账单不是有效的 zip 压缩包", day.Error);
        Assert.Equal(run.Message, day.Error);
        Assert.Empty(await MismatchesAsync());
    }

    [Fact]
    public async Task A_day_alipay_has_no_statement_for_is_done_when_the_books_have_nothing_either_and_retried_when_they_do()
    {
        var quiet = await ReconcileAsync(Yesterday.AddDays(-1));
        var order = await App.PlaceOrderAsync((await App.CreateLearnerAsync()).Id, 2);
        await App.WithAsync<OrderTransitions, PaymentOutcome>(t => t.ApplyPaymentAsync(new PaymentConfirmation(
            order.OutTradeNo, "2026112522001446870500012345", order.TotalAmount, new DateTimeOffset(Yesterday.ToDateTime(new TimeOnly(10, 0)), BeijingTime.Offset), null), "test"));
        var busy = await ReconcileAsync(Yesterday);

        Assert.True(quiet.Succeeded, quiet.Message);
        Assert.True((await DayAsync(Yesterday.AddDays(-1)))!.NoStatement);
        Assert.False(busy.Succeeded);
        Assert.Contains("支付宝尚无当日对账单", busy.Message);
        Assert.Equal(ReconciliationStatus.Failed, (await DayAsync(Yesterday))!.Status);
    }

    [Fact]
    public async Task Two_runs_of_one_day_at_once_run_it_once_and_the_other_is_told_why()
    {
        shop.Alipay.Statements[Yesterday] = SimulatorStatementFile.Build("20880000000000010156", Yesterday, [], DateTimeOffset.UtcNow);
        var inside = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        shop.Alipay.BeforeAnswer = async (method, _) =>
        {
            if (method == AlipayBillDownloadUrl.Method)
            {
                inside.TrySetResult();
                await release.Task;
            }
        };

        var first = ReconcileAsync(Yesterday);
        await inside.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = await ReconcileAsync(Yesterday);
        release.SetResult();

        Assert.False(second.Succeeded);
        Assert.Contains("正在对账", second.Message);
        Assert.True((await first).Succeeded);
        Assert.Equal(1, shop.Alipay.CallsFor(AlipayStatementReader.BillDate(Yesterday), AlipayBillDownloadUrl.Method));
    }

    [Fact]
    public async Task The_morning_job_reconciles_yesterday_after_run_at_catches_up_and_retries_a_failed_day_an_hour_later()
    {
        var job = App.Services.GetRequiredService<ReconciliationJob>();
        var today = shop.Clock.BeijingToday().AddDays(1); // a fake clock only moves forward: tomorrow, 09:00 in Beijing
        shop.Clock.SetUtcNow(new DateTimeOffset(today.ToDateTime(new TimeOnly(9, 0)), BeijingTime.Offset));
        shop.Alipay.Statements[today.AddDays(-3)] = Encoding.UTF8.GetBytes("not a zip");

        var beforeRunAt = await job.RunDueAsync(CancellationToken.None);
        var yesterdayBefore = await DayAsync(today.AddDays(-1));
        shop.Clock.Advance(TimeSpan.FromMinutes(31));
        var afterRunAt = await job.RunDueAsync(CancellationToken.None);
        var nothingNew = await job.RunDueAsync(CancellationToken.None);
        shop.Alipay.Statements[today.AddDays(-3)] = SimulatorStatementFile.Build("20880000000000010156", today.AddDays(-3), [], DateTimeOffset.UtcNow);
        shop.Clock.Advance(TimeSpan.FromHours(1));
        var retried = await job.RunDueAsync(CancellationToken.None);

        Assert.Null(yesterdayBefore); // before 09:30 the latest day is the day before yesterday
        Assert.Equal(6, beforeRunAt); // 7 days back from the day before yesterday, one of them failing
        Assert.Equal(1, afterRunAt); // yesterday
        Assert.Equal(0, nothingNew);
        Assert.Equal(1, retried);
        Assert.Equal(ReconciliationStatus.Done, (await DayAsync(today.AddDays(-3)))!.Status);
        Assert.Equal(ReconciliationJob.Actor, (await DayAsync(today.AddDays(-1)))!.LastRunBy);
    }

    private static byte[] Zip(string detail)
    {
        using var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, true, AlipayStatementReader.Gbk))
        {
            using var entry = archive.CreateEntry("20880000000000010156_20261125_业务明细.csv").Open();
            entry.Write(AlipayStatementReader.Gbk.GetBytes(detail));
        }

        return zip.ToArray();
    }
}
