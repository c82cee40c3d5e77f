using System.Text;
using System.Text.Json;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LuffyBlazor.Tests.Payments.Alipay;

/// <summary>Fetching a day's statement over real HTTP: the signed URL query, then the download from the URL Alipay gives.</summary>
public sealed class AlipayStatementsTests : IAsyncLifetime
{
    private static readonly DateOnly Day = new(2026, 11, 25);
    private ScriptedAlipay alipay = null!;
    private ServiceProvider services = null!;

    public async Task InitializeAsync()
    {
        alipay = await ScriptedAlipay.StartAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = "Testing", ContentRootPath = AppContext.BaseDirectory, DisableDefaults = true,
        });
        var settings = AlipayTestKeys.Settings();
        settings["Alipay:Gateway"] = alipay.Url;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddAlipay();
        services = builder.Services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        await alipay.DisposeAsync();
    }

    private Task<AlipayStatement?> DownloadAsync() => services.GetRequiredService<AlipayStatements>().DownloadAsync(Day);

    [Fact]
    public async Task The_days_statement_is_asked_for_with_a_signed_query_and_read_from_the_url_alipay_gives()
    {
        var paidAt = new DateTimeOffset(2026, 11, 25, 8, 31, 10, TimeSpan.Zero);
        alipay.Statements[Day] = SimulatorStatementFile.Build("20880000000000010156", Day,
            [new("2026112522001446870500012345", "T20261125A", false, "路飞学城-Python", paidAt.AddMinutes(-1), paidAt, 99.00m, null, "lea***@sandbox.com")], paidAt.AddDays(1));

        var statement = await DownloadAsync();

        Assert.Equal(("T20261125A", 99.00m), (statement!.Rows.Single().OutTradeNo, statement.Rows[0].OrderAmount));
        var call = Assert.Single(alipay.Calls);
        Assert.Equal((AlipayBillDownloadUrl.Method, "2026-11-25"), call);
    }

    [Fact]
    public void The_biz_content_asks_for_the_trade_bill_of_the_beijing_day()
    {
        var biz = JsonDocument.Parse(AlipayBillDownloadUrl.BizContent(Day)).RootElement;

        Assert.Equal(("trade", "2026-11-25"), (biz.GetProperty("bill_type").GetString(), biz.GetProperty("bill_date").GetString()));
        Assert.Equal(2, biz.EnumerateObject().Count());
    }

    [Fact]
    public async Task A_day_alipay_has_no_statement_for_is_none_not_an_error()
    {
        Assert.Null(await DownloadAsync());
    }

    [Fact]
    public async Task A_download_that_is_not_a_statement_is_refused_with_the_reason()
    {
        alipay.Statements[Day] = Encoding.UTF8.GetBytes("<html>502 Bad Gateway</html>");

        var error = await Assert.ThrowsAsync<AlipayStatementException>(DownloadAsync);

        Assert.StartsWith("对账单不是有效的 zip 压缩包", error.Message);
    }
}
