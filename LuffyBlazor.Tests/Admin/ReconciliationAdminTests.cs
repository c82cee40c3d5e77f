using System.Net;
using System.Text;
using Bunit;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Admin.Audit;
using LuffyBlazor.Features.Admin.Reconciliation;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Reconciliation;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Tests.Admin;

/// <summary>/admin/reconciliation with bUnit against a scripted gateway: the days, running one by hand, a day's differences, the repair, the CSV.</summary>
public sealed class ReconciliationAdminTests : AdminComponentTest, IClassFixture<ScriptedAlipayApp>
{
    private readonly ScriptedAlipayApp fixture;

    public ReconciliationAdminTests(ScriptedAlipayApp fixture) : base(fixture.App) => this.fixture = fixture;

    /// <summary>Each test its own day, so that the tests of this class never share one.</summary>
    private static DateOnly NewDay() => new(2020 + Random.Shared.Next(0, 5), Random.Shared.Next(1, 13), Random.Shared.Next(1, 29));

    /// <summary>A day whose statement has Alipay taking the money of an order left unpaid here (and Alipay knows it as paid).</summary>
    private async Task<(DateOnly Day, Order Order)> DayWithAnUnpaidOrderAsync()
    {
        var day = NewDay();
        var order = await App.PlaceOrderAsync((await App.CreateLearnerAsync()).Id, 2);
        var paidAt = new DateTimeOffset(day.ToDateTime(new TimeOnly(10, 0)), BeijingTime.Offset);
        fixture.Alipay.Statements[day] = SimulatorStatementFile.Build("20880000000000010156", day,
            [new("2026112522001446870500012345", order.OutTradeNo, false, order.Subject, paidAt, paidAt, order.TotalAmount, null, null)], paidAt.AddDays(1));
        fixture.Alipay.Trades[order.OutTradeNo] = ("TRADE_SUCCESS", order.TotalAmount);
        return (day, order);
    }

    private async Task ReconcileAsync(DateOnly day) =>
        Assert.True((await App.WithAsync<StatementReconciliation, ReconciliationRun>(r => r.RunAsync(day, "admin:test"))).Succeeded);

    private async Task<IRenderedComponent<IComponent>> RenderDayAsync(DateOnly day)
    {
        await SignInAsAdminAsync();
        var text = day.ToString("yyyy-MM-dd");
        var page = RenderPage<ReconciliationDayPage>($"/admin/reconciliation/{text}", p => p.Add(nameof(ReconciliationDayPage.Date), text));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#day-date")), TimeSpan.FromSeconds(5));
        return page;
    }

    private static async Task ConfirmAsync(IRenderedComponent<IComponent> page)
    {
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#confirm-ok")), TimeSpan.FromSeconds(10));
        await page.Find("#confirm-ok").ClickAsync(new());
    }

    [Fact]
    public async Task An_admin_runs_a_day_by_hand_from_the_list_and_the_day_appears_with_its_result_and_an_audit_record()
    {
        var (day, _) = await DayWithAnUnpaidOrderAsync();
        await SignInAsAdminAsync();
        var page = RenderPage<ReconciliationPage>("/admin/reconciliation");

        await page.Find("#reconcile-date").ChangeAsync(new ChangeEventArgs { Value = day.ToString("yyyy-MM-dd") });
        _ = page.Find("#reconcile-run").ClickAsync(new()); // its handler waits for the dialog to close
        await ConfirmAsync(page);

        page.WaitForAssertion(() => Assert.Contains("对账完成：0 笔一致，1 笔差异", page.Markup), TimeSpan.FromSeconds(10));
        page.WaitForAssertion(() =>
        {
            var row = page.FindAll("#reconciliation-grid tbody tr").Single(tr => tr.TextContent.Contains(day.ToString("yyyy-MM-dd")));
            Assert.Equal("有差异", row.QuerySelector(".reconciliation-status")!.TextContent);
        }, TimeSpan.FromSeconds(10));
        var audit = await App.QueryAsync(db => db.AdminAuditEntries.AsNoTracking().SingleAsync(e => e.Target == AuditTargets.ReconciliationDay(day)));
        Assert.Equal((AdminActions.ReconciliationRun, "手动对账", true), (audit.Action, audit.Reason, audit.Succeeded));
    }

    [Fact]
    public async Task The_day_page_shows_both_books_and_each_difference_and_repairs_the_unpaid_order_through_trade_query()
    {
        var (day, order) = await DayWithAnUnpaidOrderAsync();
        await ReconcileAsync(day);
        var page = await RenderDayAsync(day);

        Assert.Contains(Money.Format(order.TotalAmount), page.Find("#day-totals").TextContent);
        Assert.Equal(MismatchKind.PaidAtAlipayOnly.ToChinese(), page.Find(".mismatch-kind").TextContent);
        Assert.Equal(order.OutTradeNo, page.Find("a.mismatch-order").TextContent);
        _ = page.Find(".mismatch-repair").ClickAsync(new());
        await ConfirmAsync(page);

        page.WaitForAssertion(() => Assert.Contains("支付宝确认已付款", page.Markup), TimeSpan.FromSeconds(10));
        page.WaitForAssertion(() => Assert.StartsWith("已修复", page.Find(".mismatch-repaired").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal(OrderStatus.Paid, (await App.OrderAsync(order.OutTradeNo)).Status);
        Assert.Equal(1, fixture.Alipay.CallsFor(order.OutTradeNo, "alipay.trade.query"));
        Assert.Equal(2, await App.QueryAsync(db => db.AdminAuditEntries.CountAsync(e =>
            e.Action == AdminActions.ReconciliationRepair && (e.Target == AuditTargets.Order(order.OutTradeNo) || e.Target == AuditTargets.ReconciliationDay(day)))));
        Assert.Empty(page.FindAll(".mismatch-repair"));
    }

    [Fact]
    public async Task A_failed_run_is_shown_on_the_day_with_its_reason()
    {
        var day = NewDay();
        fixture.Alipay.Statements[day] = Encoding.UTF8.GetBytes("not a zip");
        await App.WithAsync<StatementReconciliation, ReconciliationRun>(r => r.RunAsync(day, "admin:test"));

        var page = await RenderDayAsync(day);

        Assert.Equal("失败", page.Find(".reconciliation-status").TextContent);
        Assert.Contains("对账单不是有效的 zip 压缩包", page.Find("#day-error").TextContent);
    }

    [Fact]
    public async Task A_days_differences_download_as_csv_for_excel()
    {
        var (day, order) = await DayWithAnUnpaidOrderAsync();
        await ReconcileAsync(day);
        var browser = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await browser.LoginThroughPageAsync(LuffyAppFactory.AdminUserName, LuffyAppFactory.AdminPassword);

        using var response = await browser.GetAsync($"/api/v1/admin/reconciliation/{day:yyyy-MM-dd}/export.csv");
        using var unknown = await browser.GetAsync("/api/v1/admin/reconciliation/1999-01-01/export.csv");
        using var notADate = await browser.GetAsync("/api/v1/admin/reconciliation/yesterday/export.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ReconciliationCsvExport.FileName(day), response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var records = OrderExportTests.ParseCsv(Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
        Assert.Equal(ReconciliationCsvExport.Header, records[0]);
        Assert.Equal([day.ToString("yyyy-MM-dd"), "支付宝已收款，本地未支付", order.OutTradeNo, "是"], records[1][..4]);
        Assert.Equal(Money.Format(order.TotalAmount), records[1][6]);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notADate.StatusCode);
    }
}
