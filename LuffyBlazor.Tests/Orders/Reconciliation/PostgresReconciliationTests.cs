using LuffyBlazor.Common;
using LuffyBlazor.Features.Orders.Reconciliation;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Orders.Reconciliation;

/// <summary>The morning job on two instances sharing one PostgreSQL database: each day is reconciled once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresReconciliationTests(PostgresServer postgres)
{
    [Fact]
    public async Task Two_instances_running_the_morning_job_at_once_reconcile_each_day_once()
    {
        await using var alipay = await ScriptedAlipay.StartAsync();
        // Alipay answers a little late, so that the two instances' runs overlap.
        alipay.BeforeAnswer = (method, _) => method == AlipayBillDownloadUrl.Method ? Task.Delay(200) : Task.CompletedTask;
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Default"] = postgres.ConnectionString("luffy_" + Guid.NewGuid().ToString("N")[..12]),
            ["Alipay:Gateway"] = alipay.Url,
            ["Orders:SweeperEnabled"] = "false",
        };
        using var first = new LuffyAppFactory(settings);
        first.CreateClient();
        using var second = new LuffyAppFactory(settings);
        second.CreateClient();

        var succeeded = await Task.WhenAll(
            first.Services.GetRequiredService<ReconciliationJob>().RunDueAsync(CancellationToken.None),
            second.Services.GetRequiredService<ReconciliationJob>().RunDueAsync(CancellationToken.None));

        var days = await first.QueryAsync(db => db.ReconciliationDays.AsNoTracking().OrderBy(d => d.Date).ToListAsync());
        Assert.Equal(7, days.Count);
        Assert.All(days, d => Assert.Equal((ReconciliationStatus.Done, 1), (d.Status, d.Attempts)));
        Assert.Equal(7, succeeded.Sum());
        Assert.All(days, d => Assert.Equal(1, alipay.CallsFor(d.Date.ToDayText(), AlipayBillDownloadUrl.Method)));
    }
}
