using System.Net;
using System.Text;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Admin;

/// <summary>The CSV export and the admin orders API, over HTTP as the admin's browser or a script uses them.</summary>
public sealed class OrderExportTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private async Task<HttpClient> AdminBrowserAsync()
    {
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await browser.LoginThroughPageAsync(LuffyAppFactory.AdminUserName, LuffyAppFactory.AdminPassword);
        return browser;
    }

    private async Task<Order> OrderWithSubjectAsync(string subject, int courseId)
    {
        var (learner, _) = await app.CreateLearnerAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<OrderService>().PlaceOrderAsync(learner, [courseId], subject: subject);
        Assert.True(result.Succeeded, result.Error);
        return result.Order!;
    }

    /// <summary>RFC 4180 records, quotes and all (a quoted field may hold commas and line breaks).</summary>
    /// <summary>RFC 4180 records, for checking what an export wrote.</summary>
    internal static List<List<string>> ParseCsv(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') { quoted = false; }
                else { field.Append(c); }
            }
            else if (c == '"') { quoted = true; }
            else if (c == ',') { record.Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { record.Add(field.ToString()); field.Clear(); records.Add(record); record = []; i++; }
            else { field.Append(c); }
        }

        return records;
    }

    [Fact]
    public async Task The_export_is_utf8_with_a_bom_escaped_and_safe_from_formulas()
    {
        var tricky = await OrderWithSubjectAsync("=HYPERLINK(\"http://evil.example\",\"点我\"), 第二行\n还有", 8);
        var plain = await OrderWithSubjectAsync("路飞学城-Python, 全栈", 8);
        var browser = await AdminBrowserAsync();

        using var response = await browser.GetAsync("/api/v1/admin/orders/export.csv?q=Docker");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"点我\"\"), 第二行\n还有\"", text);

        var records = ParseCsv(text);
        Assert.Equal(OrderCsvExport.Header, records[0]);
        var byNumber = records.Skip(1).ToDictionary(r => r[0]);
        Assert.Equal(2, byNumber.Count);
        Assert.Equal("'=HYPERLINK(\"http://evil.example\",\"点我\"), 第二行\n还有", byNumber[tricky.OutTradeNo][5]);
        Assert.Equal("路飞学城-Python, 全栈", byNumber[plain.OutTradeNo][5]);
        Assert.Equal(["Docker 与 Kubernetes 实战", "299.00", "未支付", "支付宝", "", "", "0.00", "否", "否", "否"], byNumber[plain.OutTradeNo][4..]. Where((_, i) => i != 1).ToList());
    }

    [Fact]
    public async Task Orders_flagged_for_an_admin_say_so_in_their_own_columns()
    {
        var flagged = await OrderWithSubjectAsync("路飞学城-重复购买", 9);
        await app.QueryAsync(db => db.Orders.Where(o => o.Id == flagged.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.DuplicatePurchase, true).SetProperty(o => o.PaidAfterClose, true).SetProperty(o => o.TradeNoConflict, true)));
        var browser = await AdminBrowserAsync();

        var text = (await browser.GetStringAsync("/api/v1/admin/orders/export.csv?q=" + flagged.OutTradeNo)).TrimStart('\uFEFF');

        var row = ParseCsv(text).Single(r => r[0] == flagged.OutTradeNo);
        Assert.Equal(["超时后付款", "重复购买", "交易号冲突"], OrderCsvExport.Header[^3..]);
        Assert.Equal(["是", "是", "是"], row[^3..]);
    }

    [Fact]
    public void Cells_are_quoted_only_when_needed_and_formula_starts_are_neutralised()
    {
        Assert.Equal("plain", Csv.Cell("plain"));
        Assert.Equal("", Csv.Cell(null));
        Assert.Equal("\"a,b\"", Csv.Cell("a,b"));
        Assert.Equal("\"say \"\"hi\"\"\"", Csv.Cell("say \"hi\""));
        Assert.Equal("\"two\r\nlines\"", Csv.Cell("two\r\nlines"));
        Assert.Equal("'=1+2", Csv.Cell("=1+2"));
        Assert.Equal("'+86 138", Csv.Cell("+86 138"));
        Assert.Equal("'-5", Csv.Cell("-5"));
        Assert.Equal("'@SUM(A1)", Csv.Cell("@SUM(A1)"));
        Assert.Equal("'\t=1", Csv.Cell("\t=1"));
        Assert.Equal("\"'\r=1\"", Csv.Cell("\r=1"));
        Assert.Equal("a=b", Csv.Cell("a=b"));
        Assert.Equal("x,\"y,z\",\r\n", Csv.Line("x", "y,z", null));
    }

    [Fact]
    public async Task More_orders_than_one_batch_are_all_exported_once_newest_first()
    {
        using var big = new LuffyAppFactory();
        await big.WithAsync<LuffyBlazor.Features.Admin.Demo.DemoDataSeeder, LuffyBlazor.Features.Admin.Demo.DemoSeedResult>(
            s => s.SeedAsync(OrderCsvExport.BatchSize * 2 + 345, _ => { }));
        await using var output = new MemoryStream();

        await big.WithAsync<OrderCsvExport, bool>(async export =>
        {
            await export.WriteAsync(OrderGridFilter.None, output);
            return true;
        });

        var records = ParseCsv(Encoding.UTF8.GetString(output.ToArray(), 3, (int)output.Length - 3)).Skip(1).ToList();
        var expected = await big.QueryAsync(db => db.Orders.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).Select(o => o.OutTradeNo).ToListAsync());
        Assert.Equal(expected, records.Select(r => r[0]));
    }

    [Fact]
    public async Task The_orders_api_pages_filters_and_writes_amounts_as_strings()
    {
        await OrderWithSubjectAsync("API 订单", 13);
        var browser = await AdminBrowserAsync();

        var (code, body) = await browser.GetJsonAsync("/api/v1/admin/orders/?q=Vue&size=5&sort=TotalAmount&desc=true");

        Assert.Equal(HttpStatusCode.OK, code);
        var data = body.GetProperty("data");
        var first = data.GetProperty("orders")[0];
        Assert.Equal("168.00", first.GetProperty("total_amount").GetString());
        Assert.Equal(0, first.GetProperty("status").GetInt32());
        Assert.Equal(data.GetProperty("totals").GetProperty("count").GetInt32(), data.GetProperty("orders").GetArrayLength());
        Assert.Equal("168.00", data.GetProperty("totals").GetProperty("amount").GetString());

        var (badCode, bad) = await browser.GetJsonAsync("/api/v1/admin/orders/?status=7");
        Assert.Equal((HttpStatusCode.BadRequest, 102), (badCode, bad.GetProperty("status").GetInt32()));
        var (badSize, _) = await browser.GetJsonAsync("/api/v1/admin/orders/?size=100000");
        Assert.Equal(HttpStatusCode.BadRequest, badSize);
    }

    [Theory]
    [InlineData("orders/?to=9999-12-31", "to 必须在 2000-01-01 到 2099-12-31 之间")]
    [InlineData("orders/?from=9999-12-31", "from 必须在 2000-01-01 到 2099-12-31 之间")]
    [InlineData("orders/?from=0001-01-01", "from 必须在 2000-01-01 到 2099-12-31 之间")]
    [InlineData("orders/?to=0001-01-01", "to 必须在 2000-01-01 到 2099-12-31 之间")]
    [InlineData("orders/?from=yesterday", "from 必须是 yyyy-MM-dd 格式的日期")]
    [InlineData("orders/?to=2026-02-30", "to 必须是 yyyy-MM-dd 格式的日期")]
    [InlineData("orders/?from=2026-11-02&to=2026-11-01", "from 不能晚于 to")]
    [InlineData("orders/export.csv?to=9999-12-31", "to 必须在 2000-01-01 到 2099-12-31 之间")]
    [InlineData("orders/export.csv?from=0001-01-01", "from 必须在 2000-01-01 到 2099-12-31 之间")]
    public async Task Every_date_bound_out_of_range_malformed_or_reversed_is_a_400_that_says_which(string path, string msg)
    {
        var browser = await AdminBrowserAsync();

        var (code, body) = await browser.GetJsonAsync("/api/v1/admin/" + path);

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal(102, body.GetProperty("status").GetInt32());
        Assert.Equal(msg, body.GetProperty("msg").GetString());
    }

    [Fact]
    public async Task The_first_and_last_allowed_days_are_answered()
    {
        var browser = await AdminBrowserAsync();

        var (code, body) = await browser.GetJsonAsync("/api/v1/admin/orders/?from=2000-01-01&to=2099-12-31");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(100, body.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task The_order_api_tells_the_whole_story_and_404s_an_unknown_number()
    {
        var order = await OrderWithSubjectAsync("详情订单", 15);
        var browser = await AdminBrowserAsync();

        var (code, body) = await browser.GetJsonAsync($"/api/v1/admin/orders/{order.OutTradeNo}/");
        var (missing, _) = await browser.GetJsonAsync("/api/v1/admin/orders/NOSUCHORDER123/");

        Assert.Equal(HttpStatusCode.OK, code);
        var data = body.GetProperty("data");
        Assert.Equal("88.00", data.GetProperty("total_amount").GetString());
        Assert.Equal("TypeScript 进阶", data.GetProperty("lines")[0].GetProperty("course_name").GetString());
        Assert.Equal("learner", data.GetProperty("history")[0].GetProperty("actor").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing);
    }
}
