using System.Globalization;
using System.Text;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Admin.Orders;

namespace LuffyBlazor.Features.Admin.Reconciliation;

/// <summary>A day's differences as CSV for Excel: UTF-8 with a byte order mark, cells made safe by <see cref="Csv"/>.</summary>
public static class ReconciliationCsvExport
{
    public static readonly string[] Header =
        ["日期", "差异类型", "订单号", "本地有此订单", "支付宝交易号", "退款请求号", "支付宝金额", "本地金额", "说明", "已修复", "修复时间", "修复人"];

    public static string FileName(DateOnly day) => $"reconciliation-{day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.csv";

    public static async Task WriteAsync(ReconciliationDayDetail detail, Stream output, CancellationToken ct = default)
    {
        await output.WriteAsync(Csv.Utf8Bom.ToArray(), ct);
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 16 * 1024, leaveOpen: true);
        await writer.WriteAsync(Csv.Line(Header));
        var day = detail.Day.Date.ToDayText();
        foreach (var m in detail.Mismatches)
        {
            await writer.WriteAsync(Csv.Line(
                day, m.Kind.ToChinese(), m.OutTradeNo, m.OrderKnown ? "是" : "否", m.TradeNo, m.OutRequestNo, Amount(m.AlipayAmount), Amount(m.ShopAmount),
                m.Detail, m.RepairedAt is null ? "否" : "是", m.RepairedAt?.ToAlipayText(), m.RepairedBy));
        }
    }

    private static string? Amount(decimal? amount) => amount is { } value ? Money.Format(value) : null;
}
