using System.Buffers.Binary;
using System.Net;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Payments.Simulator;

/// <summary>The simulator's daily statements: built from its own trades, in Alipay's zip/GBK format, behind a 30-second URL.</summary>
public sealed class SimulatorStatementsTests(SimulatorApp sim) : IClassFixture<SimulatorApp>
{
    private static DateOnly BeijingDay(DateTime utc) => DateOnly.FromDateTime(utc.AddHours(8));

    private async Task<string> DownloadUrlAsync(DateOnly day)
    {
        var answer = await sim.Alipay.QueryBillDownloadUrlAsync(day);
        Assert.True(answer.IsSuccess, answer.Error?.ToString());
        return answer.Data!.BillDownloadUrl;
    }

    [Fact]
    public async Task The_days_payments_and_refunds_are_in_the_statement_the_app_downloads()
    {
        var (learner, _) = await sim.App.CreateLearnerAsync();
        var order = await sim.App.PlaceOrderAsync(learner, 1, 7); // 198.00 + 59.00
        (await Cashier.PayAsync(sim.Browser(), sim.PayUrl(order))).Dispose();
        var paid = await sim.App.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Paid);
        var refund = await sim.Alipay.RefundAsync(new AlipayRefundRequest(order.OutTradeNo, 59.00m, order.OutTradeNo + "_R1", "退 Shell 课"));

        var statement = await sim.App.Services.GetRequiredService<AlipayStatements>().DownloadAsync(BeijingDay(paid.PayTime!.Value));

        Assert.True(refund.IsSuccess);
        var rows = statement!.Rows.Where(r => r.OutTradeNo == order.OutTradeNo).ToList();
        Assert.Equal([(AlipayStatementRow.Payment, 257.00m, (string?)null), (AlipayStatementRow.Refund, -59.00m, order.OutTradeNo + "_R1")],
            rows.Select(r => (r.BusinessType, r.OrderAmount, r.RefundRequestNo)));
        Assert.Equal(paid.TradeNo, rows[0].TradeNo);
        Assert.EndsWith($"_{BeijingDay(paid.PayTime.Value):yyyyMMdd}_业务明细.csv", statement.FileName);
    }

    [Fact]
    public async Task Entry_names_are_gbk_as_alipays_without_the_zip_utf8_flag()
    {
        using var http = new HttpClient();
        var zip = await http.GetByteArrayAsync(await DownloadUrlAsync(BeijingDay(DateTime.UtcNow.AddDays(-1))));

        // Every local file header (PK\3\4) has general purpose bit 11 (UTF-8 names) clear.
        var flags = Enumerable.Range(0, zip.Length - 8)
            .Where(i => zip[i] == 0x50 && zip[i + 1] == 0x4B && zip[i + 2] == 3 && zip[i + 3] == 4)
            .Select(i => BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(i + 6))).ToList();
        Assert.Equal(2, flags.Count);
        Assert.All(flags, f => Assert.Equal(0, f & 0x0800));
        Assert.Empty(AlipayStatementReader.Read(zip).Rows);
    }

    [Fact]
    public async Task A_download_url_changed_by_hand_or_past_its_30_seconds_is_refused()
    {
        var url = await DownloadUrlAsync(BeijingDay(DateTime.UtcNow));
        var query = QueryHelpers.ParseQuery(new Uri(url).Query);
        using var http = new HttpClient();
        var later = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow + SimulatorStatements.UrlLifetime + TimeSpan.FromSeconds(2));
        using var scope = sim.App.Services.CreateScope();
        var statementsLater = ActivatorUtilities.CreateInstance<SimulatorStatements>(scope.ServiceProvider, (TimeProvider)later);

        using var tampered = await http.GetAsync(url.Replace("expires=", "expires=9"));
        var expired = await statementsLater.DownloadAsync(query["app_id"]!, query["bill_date"]!, query["expires"]!, query["token"]!, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        Assert.Null(expired);
    }

    [Fact]
    public async Task A_day_that_has_not_ended_anywhere_yet_has_no_statement()
    {
        var tomorrow = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(BeijingTime.Offset).DateTime).AddDays(1);

        var answer = await sim.Alipay.QueryBillDownloadUrlAsync(tomorrow);

        Assert.Equal((true, AlipayBillDownloadUrl.BillNotExist), (answer.IsSigned, answer.Error?.SubCode));
    }
}
