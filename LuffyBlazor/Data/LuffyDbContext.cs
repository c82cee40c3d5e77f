using LuffyBlazor.Common;
using LuffyBlazor.Features.Account;
using LuffyBlazor.Features.Account.LogIn;
using LuffyBlazor.Features.Admin.Audit;
using LuffyBlazor.Features.Courses;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Features.Orders.Reconciliation;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Data;

/// <summary>
/// The one model of the app. Each database provider has a derived context that owns its migrations
/// (<see cref="SqliteLuffyDbContext"/>, <see cref="PostgresLuffyDbContext"/>); everything else uses this type.
/// </summary>
public abstract class LuffyDbContext(DbContextOptions options) : IdentityDbContext<ApplicationUser>(options), IDataProtectionKeyContext
{
    public DbSet<CourseCategory> CourseCategories => Set<CourseCategory>();
    public DbSet<Teacher> Teachers => Set<Teacher>();
    public DbSet<Course> Courses => Set<Course>();
    public DbSet<CourseChapter> CourseChapters => Set<CourseChapter>();
    public DbSet<CourseLesson> CourseLessons => Set<CourseLesson>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderDetail> OrderDetails => Set<OrderDetail>();
    public DbSet<CourseOwnership> CourseOwnerships => Set<CourseOwnership>();
    public DbSet<OrderStatusChange> OrderStatusChanges => Set<OrderStatusChange>();
    public DbSet<CartItem> CartItems => Set<CartItem>();
    public DbSet<NotifyLog> NotifyLogs => Set<NotifyLog>();
    public DbSet<OrderRefund> OrderRefunds => Set<OrderRefund>();
    public DbSet<AdminAuditEntry> AdminAuditEntries => Set<AdminAuditEntry>();
    public DbSet<ReconciliationDay> ReconciliationDays => Set<ReconciliationDay>();
    public DbSet<ReconciliationMismatch> ReconciliationMismatches => Set<ReconciliationMismatch>();
    public DbSet<LogInThrottle> LogInThrottles => Set<LogInThrottle>();

    /// <summary>ASP.NET Core's data protection keys, shared by every instance (cookies, antiforgery tokens).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(LuffyDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseMoneyAsFenAndUtcTimes();
}

/// <summary>SQLite, the embedded default: migrations in <c>Data/Migrations/Sqlite</c>.</summary>
public sealed class SqliteLuffyDbContext(DbContextOptions<SqliteLuffyDbContext> options) : LuffyDbContext(options);

/// <summary>PostgreSQL, for several instances: migrations in <c>Data/Migrations/Postgres</c>.</summary>
public sealed class PostgresLuffyDbContext(DbContextOptions<PostgresLuffyDbContext> options) : LuffyDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // Text compares byte by byte, as in SQLite, whatever locale the server was created with: prefix ranges on
        // order numbers and user names (an index seek) and sort orders mean the same on both providers.
        configurationBuilder.Properties<string>().UseCollation("C");
    }
}
