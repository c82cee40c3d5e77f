using System.Globalization;
using System.Text;
using LuffyBlazor.Common;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Orders;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Admin.Orders;

/// <summary>
/// The filtered orders as CSV, newest first, written to the response as they are read: batches of
/// <see cref="BatchSize"/> orders found by keyset on the (CreatedAt, Id) index, so memory stays flat whether one
/// order or a million are exported. UTF-8 with a byte order mark, so Excel shows the Chinese.
/// </summary>
public sealed class OrderCsvExport(IDbContextFactory<LuffyDbContext> dbFactory)
{
    public const int BatchSize = 1_000;

    public static readonly string[] Header =
        ["订单号", "下单时间", "用户", "邮箱", "课程", "订单标题", "金额", "状态", "支付方式", "支付时间", "交易号", "已退款", "超时后付款", "重复购买", "交易号冲突"];

    public static string FileName(DateTimeOffset now) =>
        $"orders-{now.ToOffset(BeijingTime.Offset).ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.csv";

    public async Task WriteAsync(OrderGridFilter filter, Stream output, CancellationToken ct = default)
    {
        await output.WriteAsync(Csv.Utf8Bom.ToArray(), ct);
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 16 * 1024, leaveOpen: true);
        await writer.WriteAsync(Csv.Line(Header));

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Batches in the order of the CreatedAt index, each from where the last one stopped.
        var orders = (await OrderFilters.ApplyAsync(db, filter, ct)).ForPaging;
        (DateTime CreatedAt, int Id)? last = null;
        while (true)
        {
            var page = orders;
            if (last is { } after)
            {
                page = page.Where(o => o.CreatedAt < after.CreatedAt || (o.CreatedAt == after.CreatedAt && o.Id < after.Id));
            }

            var batch = await page.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).Take(BatchSize)
                .Select(o => new
                {
                    o.Id, o.OutTradeNo, o.CreatedAt, o.User!.UserName, o.User.Email, o.Subject, o.TotalAmount, o.Status, o.PayType,
                    o.PayTime, o.TradeNo, o.RefundedAmount, o.PaidAfterClose, o.DuplicatePurchase, o.TradeNoConflict,
                })
                .ToListAsync(ct);
            if (batch.Count == 0)
            {
                break;
            }

            var ids = batch.Select(o => o.Id).ToList();
            var courses = (await db.OrderDetails.AsNoTracking().Where(d => ids.Contains(d.OrderId))
                    .OrderBy(d => d.Id).Select(d => new { d.OrderId, d.CourseName }).ToListAsync(ct))
                .ToLookup(d => d.OrderId, d => d.CourseName);
            foreach (var o in batch)
            {
                await writer.WriteAsync(Csv.Line(
                    o.OutTradeNo, Time(o.CreatedAt), o.UserName, o.Email, string.Join("、", courses[o.Id]), o.Subject,
                    Money.Format(o.TotalAmount), o.Status.ToChinese(), o.PayType.ToChinese(), o.PayTime is { } paid ? Time(paid) : null,
                    o.TradeNo, Money.Format(o.RefundedAmount), o.PaidAfterClose ? "是" : "否", o.DuplicatePurchase ? "是" : "否",
                    o.TradeNoConflict ? "是" : "否"));
            }

            await writer.FlushAsync(ct);
            if (batch.Count < BatchSize)
            {
                break;
            }

            last = (batch[^1].CreatedAt, batch[^1].Id);
        }
    }

    private static string Time(DateTime utc) =>
        new DateTimeOffset(utc, TimeSpan.Zero).ToOffset(BeijingTime.Offset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
