using System.IO.Compression;
using System.Text;
using LuffyBlazor.Features.Payments.Alipay;

namespace LuffyBlazor.Tests.Payments.Alipay;

/// <summary>
/// The daily trade statement as Alipay ships it: a zip of GBK CSV files with <c>#</c> lines around the 业务明细 table
/// (the layout below is written by hand after published statements, independently of the simulator's writer).
/// </summary>
public sealed class AlipayStatementReaderTests
{
    private const string Header =
        "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）," +
        "集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注";

    private const string Payment =
        "2026112522001446870500012345\t,20261125163005A1B2C3D4E5F60718293A4B5C\t,交易,路飞学城-Python 全栈开发,2026-11-25 16:30:05,2026-11-25 16:31:10," +
        ",,,,lea***@sandbox.com,198.00,198.00,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,-1.19,0.00,";

    private const string Refund =
        "2026112522001446870500012345\t,20261125163005A1B2C3D4E5F60718293A4B5C\t,退款,路飞学城-Python 全栈开发,2026-11-25 16:30:05,2026-11-25 20:00:00," +
        ",,,,lea***@sandbox.com,-59.00,-59.00,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,20261125163005A1B2C3D4E5F60718293A4B5C_R1\t,0.35,0.00,";

    private static string Statement(params string[] rows) => string.Join("\r\n",
    [
        "#支付宝业务明细查询",
        "#账号：[20880000000000010156]",
        "#起始日期：[2026年11月25日 00:00:00]   终止日期：[2026年11月26日 00:00:00]",
        "#-----------------------------------------业务明细列表----------------------------------------",
        .. rows,
        "#-----------------------------------------业务明细列表结束------------------------------------",
        "#交易合计：1笔，商家实收共198.00元，商家优惠共0.00元",
        "#退款合计：1笔，商家实收退款共-59.00元，商家优惠退款共0.00元",
        "#导出时间：[2026年11月26日 09:10:20]",
        "",
    ]);

    /// <summary>A zip as Alipay's: entry names and contents in GBK, the UTF-8 flag off (unless <paramref name="utf8Names"/>).</summary>
    private static byte[] Zip(string detail, bool utf8Names = false, string detailName = "20880000000000010156_20261125_业务明细.csv", byte[]? detailBytes = null)
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, true, utf8Names ? Encoding.UTF8 : AlipayStatementReader.Gbk))
        {
            foreach (var (name, bytes) in new[]
                     {
                         (detailName, detailBytes ?? AlipayStatementReader.Gbk.GetBytes(detail)),
                         ("20880000000000010156_20261125_业务明细(汇总).csv", AlipayStatementReader.Gbk.GetBytes("#支付宝业务汇总查询\r\n")),
                     })
            {
                using var entry = archive.CreateEntry(name).Open();
                entry.Write(bytes);
            }
        }

        return zip.ToArray();
    }

    private static string Refusal(byte[] zip) => Assert.Throws<AlipayStatementException>(() => AlipayStatementReader.Read(zip)).Message;

    [Fact]
    public void Payments_and_refunds_are_read_from_the_gbk_detail_file_with_the_padding_tabs_trimmed()
    {
        var statement = AlipayStatementReader.Read(Zip(Statement(Header, Payment, Refund)));

        Assert.Equal("20880000000000010156_20261125_业务明细.csv", statement.FileName);
        var (payment, refund) = (statement.Rows[0], statement.Rows[1]);
        Assert.True(payment.IsPayment);
        Assert.Equal(("2026112522001446870500012345", "20261125163005A1B2C3D4E5F60718293A4B5C"), (payment.TradeNo, payment.OutTradeNo));
        Assert.Equal((198.00m, 198.00m, -1.19m, (string?)null), (payment.OrderAmount, payment.ReceivedAmount, payment.ServiceFee, payment.RefundRequestNo));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 8, 31, 10, TimeSpan.Zero), payment.FinishedAt);
        Assert.Equal("路飞学城-Python 全栈开发", payment.Subject);
        Assert.True(refund.IsRefund);
        Assert.Equal((-59.00m, "20261125163005A1B2C3D4E5F60718293A4B5C_R1", 7), (refund.OrderAmount, refund.RefundRequestNo, refund.Line));
    }

    [Fact]
    public void An_empty_day_has_a_header_and_no_rows()
    {
        Assert.Empty(AlipayStatementReader.Read(Zip(Statement(Header))).Rows);
    }

    [Fact]
    public void Entry_names_written_in_utf8_are_found_as_well()
    {
        Assert.Equal(2, AlipayStatementReader.Read(Zip(Statement(Header, Payment, Refund), utf8Names: true)).Rows.Count);
    }

    [Fact]
    public void A_quoted_subject_holding_a_comma_keeps_the_columns()
    {
        var row = Payment.Replace("路飞学城-Python 全栈开发", "\"Go, \"\"进阶\"\"\"");

        Assert.Equal("Go, \"进阶\"", AlipayStatementReader.Read(Zip(Statement(Header, row))).Rows[0].Subject);
    }

    public static TheoryData<string, byte[], string> Malformed => new()
    {
        { "not a zip", Encoding.ASCII.GetBytes("<html>error</html>"), "对账单不是有效的 zip 压缩包" },
        { "only the summary", Zip(Statement(Header), detailName: "20880000000000010156_20261125_账务明细.csv"), "压缩包中没有业务明细文件（*_业务明细.csv），只有：20880000000000010156_20261125_账务明细.csv、20880000000000010156_20261125_业务明细(汇总).csv" },
        { "a header without a column", Zip(Statement(Header.Replace(",商家实收（元）", ""), Payment)), "第 5 行：表头与支付宝业务明细不符，缺少「商家实收（元）」" },
        { "a row missing cells", Zip(Statement(Header, Payment[..Payment.LastIndexOf(',')])), "第 6 行：应有 25 列，实际 24 列" },
        { "a bad amount", Zip(Statement(Header, Payment.Replace(",198.00,198.00,", ",198.00,19 8.00,"))), "第 6 行：商家实收（元） 「19 8.00」不是金额" },
        { "an amount in thousandths", Zip(Statement(Header, Payment.Replace(",198.00,198.00,", ",198.005,198.00,"))), "第 6 行：订单金额（元） 「198.005」不是金额" },
        { "a bad time", Zip(Statement(Header, Payment.Replace("2026-11-25 16:31:10", "25/11/2026"))), "第 6 行：完成时间 「25/11/2026」不是时间" },
        { "a cut-off file", Zip(string.Join("\r\n", Statement(Header, Payment, Refund).Split("\r\n")[..6])), "不完整：没有“业务明细列表结束”一行" },
        { "bytes that are not GBK", Zip("", detailBytes: [.. AlipayStatementReader.Gbk.GetBytes("#支付宝业务明细查询\r\n"), 0x81, 0x20]), "无法读取：不是 GBK 编码的文本" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_statement_is_refused_with_what_is_wrong_and_where(string _, byte[] zip, string expected)
    {
        Assert.Contains(expected, Refusal(zip));
    }
}
