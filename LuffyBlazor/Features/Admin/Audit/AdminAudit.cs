using LuffyBlazor.Common;
using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LuffyBlazor.Features.Admin.Audit;

/// <summary>
/// One thing an admin did from the back office (a refund, a lock, a price change), whether it worked or not: who,
/// when, to what, why, and what came of it. Written after the action, never changed afterwards.
/// </summary>
public sealed class AdminAuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public required string AdminId { get; set; }
    public required string AdminName { get; set; }

    /// <summary>What was done: see <see cref="AdminActions"/>.</summary>
    public required string Action { get; set; }

    /// <summary>What it was done to: <c>order:{out_trade_no}</c>, <c>user:{id}</c>, <c>course:{id}</c>.</summary>
    public required string Target { get; set; }

    /// <summary>Why, as the admin typed it.</summary>
    public string? Reason { get; set; }

    public bool Succeeded { get; set; }

    /// <summary>What came of it, as shown to the admin.</summary>
    public required string Outcome { get; set; }
}

/// <summary>The <see cref="AdminAuditEntry.Action"/> names.</summary>
public static class AdminActions
{
    public const string OrderSync = "order.sync";
    public const string OrderClose = "order.close";
    public const string OrderRefund = "order.refund";
    public const string OrderRefundRetry = "order.refund-retry";
    public const string UserGrantAdmin = "user.grant-admin";
    public const string UserRemoveAdmin = "user.remove-admin";
    public const string UserLock = "user.lock";
    public const string UserUnlock = "user.unlock";
    public const string CourseCreate = "course.create";
    public const string CourseUpdate = "course.update";
    public const string CourseOnSale = "course.on-sale";
    public const string CourseOffSale = "course.off-sale";
    public const string CourseContent = "course.content";
    public const string ReconciliationRun = "reconciliation.run";
    public const string ReconciliationRepair = "reconciliation.repair";
}

/// <summary>Builds <see cref="AdminAuditEntry.Target"/> values, so that pages find the entries of what they show.</summary>
public static class AuditTargets
{
    public static string Order(string outTradeNo) => $"order:{outTradeNo}";

    public static string User(string userId) => $"user:{userId}";

    public static string Course(int courseId) => $"course:{courseId}";

    public static string ReconciliationDay(DateOnly day) => $"reconciliation:{day.ToDayText()}";
}

public sealed record AuditView(DateTime At, string AdminName, string Action, string? Reason, bool Succeeded, string Outcome);

/// <summary>Writes and reads the admin audit log; a context per call, so it is safe in Blazor circuits.</summary>
public sealed class AdminAuditLog(IDbContextFactory<LuffyDbContext> dbFactory, TimeProvider clock)
{
    public async Task WriteAsync(
        AdminActor admin, string action, string target, string? reason, bool succeeded, string outcome, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.AdminAuditEntries.Add(new AdminAuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime,
            AdminId = admin.UserId,
            AdminName = admin.UserName,
            Action = action,
            Target = target,
            Reason = Truncate(reason?.Trim(), 512),
            Succeeded = succeeded,
            Outcome = Truncate(outcome, 512)!,
        });
        // The action has already happened: record it even if the admin closed the page meanwhile.
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>The newest entries about one target, newest first.</summary>
    public async Task<IReadOnlyList<AuditView>> ForTargetAsync(string target, int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AdminAuditEntries.AsNoTracking()
            .Where(e => e.Target == target)
            .OrderByDescending(e => e.Id)
            .Take(take)
            .Select(e => new AuditView(e.At, e.AdminName, e.Action, e.Reason, e.Succeeded, e.Outcome))
            .ToListAsync(ct);
    }

    private static string? Truncate(string? value, int max) => value is { Length: > 0 } && value.Length > max ? value[..max] : value;
}

public static class AdminActionText
{
    public static string ToChinese(string action) => action switch
    {
        AdminActions.OrderSync => "同步支付宝",
        AdminActions.OrderClose => "关闭订单",
        AdminActions.OrderRefund => "退款",
        AdminActions.OrderRefundRetry => "重试退款",
        AdminActions.UserGrantAdmin => "授予管理员",
        AdminActions.UserRemoveAdmin => "撤销管理员",
        AdminActions.UserLock => "锁定账户",
        AdminActions.UserUnlock => "解锁账户",
        AdminActions.CourseCreate => "创建课程",
        AdminActions.CourseUpdate => "修改课程",
        AdminActions.CourseOnSale => "上架课程",
        AdminActions.CourseOffSale => "下架课程",
        AdminActions.CourseContent => "编辑章节课时",
        AdminActions.ReconciliationRun => "对账",
        AdminActions.ReconciliationRepair => "对账修复",
        _ => action,
    };
}

internal sealed class AdminAuditEntryConfiguration : IEntityTypeConfiguration<AdminAuditEntry>
{
    public void Configure(EntityTypeBuilder<AdminAuditEntry> b)
    {
        b.Property(x => x.AdminId).HasMaxLength(450);
        b.Property(x => x.AdminName).HasMaxLength(256);
        b.Property(x => x.Action).HasMaxLength(64);
        b.Property(x => x.Target).HasMaxLength(128);
        b.Property(x => x.Reason).HasMaxLength(512);
        b.Property(x => x.Outcome).HasMaxLength(512);
        // A page shows the entries of the order, user or course it is about, newest first.
        b.HasIndex(x => new { x.Target, x.Id });
    }
}
