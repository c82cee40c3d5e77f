using System.IO.Compression;
using System.Text;
using LuffyBlazor.Common;

namespace LuffyBlazor.Features.Payments.Alipay;

/// <summary>A statement that cannot be read: the message says what is wrong and where, in the back office's language.</summary>
public sealed class AlipayStatementException(string message) : Exception(message);

/// <summary>One line of the 业务明细 table: a payment (交易) or a refund (退款) of the day. Refund amounts are negative.</summary>
public sealed record AlipayStatementRow(
    int Line, string TradeNo, string OutTradeNo, string BusinessType, string Subject, DateTimeOffset? CreatedAt, DateTimeOffset? FinishedAt,
    decimal OrderAmount, decimal ReceivedAmount, string? RefundRequestNo, decimal ServiceFee)
{
    public const string Payment = "交易";
    public const string Refund = "退款";

    public bool IsPayment => BusinessType == Payment;

    public bool IsRefund => BusinessType == Refund;
}

/// <summary>The day's trade statement (bill_type <c>trade</c>): its rows, in the file's order.</summary>
public sealed record AlipayStatement(string FileName, IReadOnlyList<AlipayStatementRow> Rows);

/// <summary>
/// Reads the zip <c>alipay.data.dataservice.bill.downloadurl.query</c> points at: it holds
/// <c>&lt;pid&gt;_&lt;yyyyMMdd&gt;_业务明细.csv</c> (and a <c>…_业务明细(汇总).csv</c> summary), GBK-encoded, with <c>#</c>
/// comment lines before the table (account, dates, the "业务明细列表" marker) and after it (the "业务明细列表结束" marker,
/// totals, export time). Anything that does not look exactly like that is an <see cref="AlipayStatementException"/>
/// that says where: a statement is money, and a half-read one must not be reconciled.
/// </summary>
public static class AlipayStatementReader
{
    public const string DetailSuffix = "_业务明细.csv";
    public const string EndMarker = "业务明细列表结束";
    public const long MaxDetailBytes = 100 * 1024 * 1024;

    /// <summary>The 业务明细 table's columns, in order.</summary>
    public static readonly string[] Columns =
    [
        "支付宝交易号", "商户订单号", "业务类型", "商品名称", "创建时间", "完成时间", "门店编号", "门店名称", "操作员", "终端号", "对方账户",
        "订单金额（元）", "商家实收（元）", "支付宝红包（元）", "集分宝（元）", "支付宝优惠（元）", "商家优惠（元）", "券核销金额（元）", "券名称",
        "商家红包消费金额（元）", "卡消费金额（元）", "退款批次号/请求号", "服务费（元）", "分润（元）", "备注",
    ];

    /// <summary>GBK (code page 936), refusing bytes that are not GBK rather than guessing.</summary>
    public static Encoding Gbk { get; } = CreateGbk();

    public static AlipayStatement Read(byte[] zip)
    {
        ZipArchive archive;
        try
        {
            // Alipay names the entries in GBK without the zip's UTF-8 flag; entries that carry the flag stay UTF-8.
            archive = new ZipArchive(new MemoryStream(zip, writable: false), ZipArchiveMode.Read, leaveOpen: false, entryNameEncoding: Gbk);
        }
        catch (InvalidDataException ex)
        {
            throw new AlipayStatementException($"对账单不是有效的 zip 压缩包（{ex.Message}）");
        }

        using (archive)
        {
            var details = archive.Entries.Where(e => e.Name.EndsWith(DetailSuffix, StringComparison.Ordinal)).ToList();
            if (details.Count != 1)
            {
                var names = string.Join("、", archive.Entries.Select(e => e.FullName));
                throw new AlipayStatementException(details.Count == 0
                    ? $"压缩包中没有业务明细文件（*{DetailSuffix}），只有：{(names.Length == 0 ? "（空）" : names)}"
                    : $"压缩包中有 {details.Count} 个业务明细文件：{names}");
            }

            var entry = details[0];
            if (entry.Length > MaxDetailBytes)
            {
                throw new AlipayStatementException($"{entry.Name} 有 {entry.Length} 字节，超过上限 {MaxDetailBytes}");
            }

            string text;
            try
            {
                using var reader = new StreamReader(entry.Open(), Gbk, detectEncodingFromByteOrderMarks: false);
                text = reader.ReadToEnd();
            }
            catch (Exception ex) when (ex is InvalidDataException or DecoderFallbackException)
            {
                throw new AlipayStatementException($"{entry.Name} 无法读取：{(ex is DecoderFallbackException ? "不是 GBK 编码的文本" : ex.Message)}");
            }

            return new AlipayStatement(entry.Name, ReadTable(entry.Name, text));
        }
    }

    /// <summary>The rows between the header (after the leading <c>#</c> lines) and the end marker.</summary>
    public static List<AlipayStatementRow> ReadTable(string fileName, string text)
    {
        var lines = text.Split('\n');
        var at = 0;
        while (at < lines.Length && (lines[at].TrimStart().StartsWith('#') || lines[at].Trim().Length == 0))
        {
            at++;
        }

        if (at == lines.Length)
        {
            throw new AlipayStatementException($"{fileName} 中没有业务明细表");
        }

        var header = Fields(lines[at]);
        if (!header.SequenceEqual(Columns))
        {
            var missing = Columns.FirstOrDefault(c => !header.Contains(c));
            throw new AlipayStatementException(missing is null
                ? $"{fileName} 第 {at + 1} 行：表头的列顺序与支付宝业务明细不符"
                : $"{fileName} 第 {at + 1} 行：表头与支付宝业务明细不符，缺少「{missing}」");
        }

        var rows = new List<AlipayStatementRow>();
        for (at++; at < lines.Length; at++)
        {
            var line = lines[at];
            if (line.TrimStart().StartsWith('#'))
            {
                return line.Contains(EndMarker, StringComparison.Ordinal)
                    ? rows
                    : throw new AlipayStatementException($"{fileName} 第 {at + 1} 行：明细表后应为“{EndMarker}”，却是 {Shorten(line)}");
            }

            if (line.Trim().Length > 0)
            {
                rows.Add(Row(fileName, at + 1, Fields(line)));
            }
        }

        throw new AlipayStatementException($"{fileName} 不完整：没有“{EndMarker}”一行（文件被截断？）");
    }

    private static AlipayStatementRow Row(string fileName, int line, List<string> cells)
    {
        var where = $"{fileName} 第 {line} 行";
        if (cells.Count != Columns.Length)
        {
            throw new AlipayStatementException($"{where}：应有 {Columns.Length} 列，实际 {cells.Count} 列");
        }

        string Cell(string column) => cells[Array.IndexOf(Columns, column)];

        decimal Amount(string column)
        {
            var text = Cell(column);
            var negative = text.StartsWith('-');
            return Money.TryParse(negative ? text[1..] : text, out var amount)
                ? negative ? -amount : amount
                : throw new AlipayStatementException($"{where}：{column} 「{Shorten(text)}」不是金额");
        }

        DateTimeOffset? Time(string column)
        {
            var text = Cell(column);
            return text.Length == 0 ? null
                : BeijingTime.TryParseAlipayText(text, out var time) ? time
                : throw new AlipayStatementException($"{where}：{column} 「{Shorten(text)}」不是时间");
        }

        var tradeNo = Cell("支付宝交易号");
        var outTradeNo = Cell("商户订单号");
        if (tradeNo.Length == 0 || outTradeNo.Length == 0)
        {
            throw new AlipayStatementException($"{where}：缺少支付宝交易号或商户订单号");
        }

        return new AlipayStatementRow(
            line, tradeNo, outTradeNo, Cell("业务类型"), Cell("商品名称"), Time("创建时间"), Time("完成时间"), Amount("订单金额（元）"),
            Amount("商家实收（元）"), Cell("退款批次号/请求号") is { Length: > 0 } requestNo ? requestNo : null, Amount("服务费（元）"));
    }

    /// <summary>
    /// One CSV line: cells split at commas outside quotes, quotes unwrapped, and the spaces and tabs Alipay pads
    /// long numbers with (so that spreadsheets keep them as text) trimmed.
    /// </summary>
    private static List<string> Fields(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString().Trim());
        return cells;
    }

    private static string Shorten(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= 40 ? trimmed : trimmed[..40] + "…";
    }

    private static Encoding CreateGbk()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(936, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    /// <summary>The statement's day as Alipay writes it in <c>bill_date</c>.</summary>
    public static string BillDate(DateOnly day) => day.ToDayText();
}
