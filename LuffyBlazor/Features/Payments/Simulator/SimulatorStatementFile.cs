using System.Globalization;
using System.IO.Compression;
using System.Text;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Payments.Alipay;

namespace LuffyBlazor.Features.Payments.Simulator;

/// <summary>One payment or refund as the day's statement lists it.</summary>
public sealed record StatementLine(
    string TradeNo, string OutTradeNo, bool IsRefund, string Subject, DateTimeOffset CreatedAt, DateTimeOffset FinishedAt, decimal Amount,
    string? RefundRequestNo, string? Buyer);

/// <summary>
/// Alipay's trade statement file as merchants download it: a zip holding <c>&lt;account&gt;_&lt;yyyyMMdd&gt;_业务明细.csv</c>
/// and <c>…_业务明细(汇总).csv</c>, GBK-encoded, entry names in GBK too, the tables framed by <c>#</c> lines; long
/// numbers padded with a tab, refunds negative.
/// </summary>
public static class SimulatorStatementFile
{
    /// <summary>Alipay's service fee on a payment, 0.6 %, returned on a refund.</summary>
    public const decimal FeeRate = 0.006m;

    public static string ZipName(string account, DateOnly day) => $"{account}_{Day(day)}.csv.zip";

    public static byte[] Build(string account, DateOnly day, IReadOnlyList<StatementLine> lines, DateTimeOffset exportedAt)
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: AlipayStatementReader.Gbk))
        {
            Add(archive, $"{account}_{Day(day)}{AlipayStatementReader.DetailSuffix}", Detail(account, day, lines, exportedAt));
            Add(archive, $"{account}_{Day(day)}_业务明细(汇总).csv", Summary(account, day, lines, exportedAt));
        }

        return zip.ToArray();
    }

    public static string Detail(string account, DateOnly day, IReadOnlyList<StatementLine> lines, DateTimeOffset exportedAt)
    {
        var text = Head("业务明细查询", "业务明细列表", account, day);
        text.Append(string.Join(',', AlipayStatementReader.Columns)).Append("\r\n");
        foreach (var line in lines)
        {
            var sign = line.IsRefund ? -1 : 1;
            string[] cells =
            [
                line.TradeNo + "\t", line.OutTradeNo + "\t", line.IsRefund ? AlipayStatementRow.Refund : AlipayStatementRow.Payment, Quoted(line.Subject),
                line.CreatedAt.ToAlipayText(), line.FinishedAt.ToAlipayText(), "", "", "", "", line.Buyer ?? "",
                Money.Format(sign * line.Amount), Money.Format(sign * line.Amount), "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00", "0.00",
                line.RefundRequestNo is null ? "" : line.RefundRequestNo + "\t", Money.Format(-sign * Fee(line.Amount)), "0.00", "",
            ];
            text.Append(string.Join(',', cells)).Append("\r\n");
        }

        var payments = lines.Where(l => !l.IsRefund).ToList();
        var refunds = lines.Where(l => l.IsRefund).ToList();
        return text.Append($"#-----------------------------------------{AlipayStatementReader.EndMarker}------------------------------------\r\n")
            .Append($"#交易合计：{payments.Count}笔，商家实收共{Money.Format(payments.Sum(l => l.Amount))}元，商家优惠共0.00元\r\n")
            .Append($"#退款合计：{refunds.Count}笔，商家实收退款共{Money.Format(-refunds.Sum(l => l.Amount))}元，商家优惠退款共0.00元\r\n")
            .Append($"#导出时间：[{Chinese(exportedAt)}]\r\n")
            .ToString();
    }

    private static string Summary(string account, DateOnly day, IReadOnlyList<StatementLine> lines, DateTimeOffset exportedAt)
    {
        var income = lines.Where(l => !l.IsRefund).Sum(l => l.Amount);
        var refunded = lines.Where(l => l.IsRefund).Sum(l => l.Amount);
        var fees = lines.Sum(l => (l.IsRefund ? 1 : -1) * Fee(l.Amount));
        return Head("业务汇总查询", "业务汇总列表", account, day)
            .Append("门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）\r\n")
            .Append($"合计,,{lines.Count(l => !l.IsRefund)},{lines.Count(l => l.IsRefund)},{Money.Format(income - refunded)},{Money.Format(income - refunded)},0.00,0.00,0.00,{Money.Format(fees)},0.00,{Money.Format(income - refunded + fees)}\r\n")
            .Append("#-----------------------------------------业务汇总列表结束------------------------------------\r\n")
            .Append($"#导出时间：[{Chinese(exportedAt)}]\r\n")
            .ToString();
    }

    private static StringBuilder Head(string title, string table, string account, DateOnly day) => new StringBuilder()
        .Append($"#支付宝{title}\r\n")
        .Append($"#账号：[{account}]\r\n")
        .Append($"#起始日期：[{Chinese(day)} 00:00:00]   终止日期：[{Chinese(day.AddDays(1))} 00:00:00]\r\n")
        .Append($"#-----------------------------------------{table}----------------------------------------\r\n");

    private static void Add(ZipArchive archive, string name, string text)
    {
        var entry = archive.CreateEntry(name, CompressionLevel.Optimal);
        using var stream = entry.Open();
        stream.Write(GbkWriter.GetBytes(text));
    }

    /// <summary>GBK that writes a character it lacks (a rare ideograph of a course name) as <c>?</c>, as Alipay's export does.</summary>
    private static readonly Encoding GbkWriter =
        Encoding.GetEncoding(AlipayStatementReader.Gbk.CodePage, new EncoderReplacementFallback("?"), DecoderFallback.ExceptionFallback);

    private static decimal Fee(decimal amount) => decimal.Round(amount * FeeRate, 2, MidpointRounding.AwayFromZero);

    /// <summary>A subject that holds a comma or a quote is quoted, so that the table keeps its columns.</summary>
    private static string Quoted(string text) =>
        text.AsSpan().IndexOfAny(",\"") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;

    private static string Day(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string Chinese(DateOnly day) => day.ToString("yyyy年MM月dd日", CultureInfo.InvariantCulture);

    private static string Chinese(DateTimeOffset time) =>
        time.ToOffset(BeijingTime.Offset).ToString("yyyy年MM月dd日 HH:mm:ss", CultureInfo.InvariantCulture);
}
