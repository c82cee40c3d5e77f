namespace LuffyBlazor.Features.Orders.Reconciliation;

public static class ReconciliationSetup
{
    /// <summary>Statement reconciliation: the service an admin runs, the repairs, and the morning job.</summary>
    public static void AddStatementReconciliation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReconciliationOptions>().BindConfiguration(ReconciliationOptions.Section)
            .Validate(o => o.RunAt >= TimeSpan.Zero && o.RunAt < TimeSpan.FromDays(1),
                "Reconciliation:RunAt must be a Beijing time of day, 00:00 to 23:59 (e.g. \"09:30\").")
            .Validate(o => o.RetryInterval >= TimeSpan.FromMinutes(1), "Reconciliation:RetryInterval must be at least 00:01:00.")
            .Validate(o => o.CheckInterval >= TimeSpan.FromSeconds(1), "Reconciliation:CheckInterval must be at least one second.")
            .Validate(o => o.CatchUpDays is >= 1 and <= 60, "Reconciliation:CatchUpDays must be 1 to 60.")
            .ValidateOnStart();
        builder.Services.AddScoped<StatementReconciliation>();
        builder.Services.AddScoped<ReconciliationRepairs>();
        builder.Services.AddSingleton<ReconciliationJob>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReconciliationJob>());
    }
}
