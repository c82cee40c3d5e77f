using LuffyBlazor.Common;
using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Orders.Reconciliation;

/// <summary>Section <c>Reconciliation</c>: the morning job that compares yesterday with Alipay's statement.</summary>
public sealed class ReconciliationOptions
{
    public const string Section = "Reconciliation";

    /// <summary>Run the job in this instance (every instance may: a day is claimed before it is run).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Beijing time of day from which yesterday is reconciled (Alipay's statement is ready by 9 in the morning).</summary>
    public TimeSpan RunAt { get; set; } = new(9, 30, 0);

    /// <summary>How long after a failed run the job tries that day again.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the job looks for days that are due.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many days back the job catches up on (a day missed while the app was down, a day still failing).</summary>
    public int CatchUpDays { get; set; } = 7;
}

/// <summary>Which days are due: yesterday once <see cref="ReconciliationOptions.RunAt"/> has passed, and the days before it that have no result yet.</summary>
public static class ReconciliationSchedule
{
    public sealed record KnownDay(ReconciliationStatus Status, DateTime? NextAttemptAt);

    public static List<DateOnly> DueDays(DateTimeOffset now, ReconciliationOptions options, IReadOnlyDictionary<DateOnly, KnownDay> known)
    {
        var beijing = now.ToOffset(BeijingTime.Offset);
        var today = DateOnly.FromDateTime(beijing.DateTime);
        var latest = beijing.TimeOfDay >= options.RunAt ? today.AddDays(-1) : today.AddDays(-2);
        var due = new List<DateOnly>();
        for (var day = latest; day > latest.AddDays(-options.CatchUpDays); day = day.AddDays(-1))
        {
            if (!known.TryGetValue(day, out var seen)
                || (seen.Status != ReconciliationStatus.Done && (seen.NextAttemptAt is null || seen.NextAttemptAt <= now.UtcDateTime)))
            {
                due.Add(day);
            }
        }

        return due;
    }
}

/// <summary>
/// Every <c>Reconciliation:CheckInterval</c>, reconciles the days that are due (<see cref="ReconciliationSchedule"/>).
/// Safe on several instances: each day is claimed before it is run, so only one runs it.
/// </summary>
public sealed class ReconciliationJob(
    IServiceScopeFactory scopes, IOptions<ReconciliationOptions> options, IHostApplicationLifetime lifetime, TimeProvider clock,
    ILogger<ReconciliationJob> logger) : BackgroundService
{
    public const string Actor = "reconciliation-job";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        // The first look once the app serves requests: Alipay's gateway may be this app itself (the simulator).
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        using var timer = new PeriodicTimer(options.Value.CheckInterval, clock);
        do
        {
            try
            {
                await RunDueAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Statement reconciliation failed; trying again at the next check");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Runs the days due now; returns how many runs succeeded.</summary>
    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();
        var since = clock.BeijingToday().AddDays(-options.Value.CatchUpDays - 2);
        var known = await db.ReconciliationDays.AsNoTracking().Where(d => d.Date >= since)
            .ToDictionaryAsync(d => d.Date, d => new ReconciliationSchedule.KnownDay(d.Status, d.NextAttemptAt), ct);
        var succeeded = 0;
        foreach (var day in ReconciliationSchedule.DueDays(clock.GetUtcNow(), options.Value, known))
        {
            var run = await scope.ServiceProvider.GetRequiredService<StatementReconciliation>().RunIfDueAsync(day, Actor, ct);
            if (run.Skipped)
            {
                logger.LogDebug("Left {Day} alone: {Reason}", day.ToDayText(), run.Message);
            }
            else if (run.Succeeded)
            {
                succeeded++;
                logger.LogInformation("Reconciled {Day} with Alipay's statement: {Result}", day.ToDayText(), run.Message);
            }
            else
            {
                logger.LogWarning("Could not reconcile {Day}: {Reason}", day.ToDayText(), run.Message);
            }
        }

        return succeeded;
    }
}
