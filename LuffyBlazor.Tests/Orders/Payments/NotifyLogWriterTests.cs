using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Orders.Payments;

/// <summary>
/// The notify log's hand-written multi-row INSERT (<see cref="NotifyLogWriter"/>): rows written together, in more
/// than one group, read back through EF exactly as EF would have stored them, times included.
/// </summary>
public sealed class NotifyLogWriterTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private static readonly DateTime At = new DateTime(2026, 12, 3, 10, 15, 30, 123, DateTimeKind.Utc).AddTicks(4567);

    [Fact]
    public async Task Rows_written_together_read_back_through_ef_field_for_field()
    {
        var marker = "log-" + Guid.NewGuid().ToString("N")[..12];
        // More rows than one group holds (256), so at least two groups are written.
        var rows = Enumerable.Range(0, 300).Select(i => new NotifyLog
        {
            ReceivedAt = At.AddSeconds(i),
            OutTradeNo = marker,
            NotifyId = i % 2 == 0 ? null : "notify-" + i,
            TradeStatus = i % 7 == 0 ? null : "TRADE_SUCCESS",
            Verdict = (NotifyVerdict)(i % 3),
            Reason = "已支付，原因 " + i,
            RawParameters = $$"""{"out_trade_no":"{{marker}}","i":"{{i}}","subject":"路飞学城"}""",
            RemoteIp = i % 5 == 0 ? null : "203.0.113." + (i % 250),
            Provider = i % 11 == 0 ? null : i % 2 == 0 ? "Alipay" : "WeChat",
            Count = 1 + i % 4,
        }).ToList();

        var writer = app.Services.GetRequiredService<NotifyLogWriter>();
        await Task.WhenAll(rows.Select(row => Task.Run(() => writer.WriteAsync(row))));

        var stored = await app.QueryAsync(db => db.NotifyLogs.AsNoTracking().Where(l => l.OutTradeNo == marker).OrderBy(l => l.ReceivedAt).ToListAsync());
        Assert.Equal(rows.Select(Fields), stored.Select(Fields));
        Assert.All(stored, row => Assert.Equal(DateTimeKind.Utc, row.ReceivedAt.Kind));
        Assert.Equal(300, stored.Select(row => row.Id).Distinct().Count());
        // Times compare and sort as EF's own: a range over what was written finds exactly its rows.
        Assert.Equal(100, await app.QueryAsync(db => db.NotifyLogs.CountAsync(
            l => l.OutTradeNo == marker && l.ReceivedAt >= At.AddSeconds(100) && l.ReceivedAt < At.AddSeconds(200))));
    }

    private static object Fields(NotifyLog row) =>
        (row.ReceivedAt, row.OutTradeNo, row.NotifyId, row.TradeStatus, row.Verdict, row.Reason, row.RawParameters, row.RemoteIp, row.Provider, row.Count);
}
