using LuffyBlazor.Common;
using LuffyBlazor.Features.Account;
using LuffyBlazor.Features.Admin.Audit;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Courses;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Payments.Alipay;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace LuffyBlazor.Data;

public sealed class LuffyDbContext(DbContextOptions<LuffyDbContext> options) : IdentityDbContext<ApplicationUser>(options)
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

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(LuffyDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // decimal is money: integer fen in the database, so SQLite sorts and sums it exactly.
        configurationBuilder.Properties<decimal>().HaveConversion<MoneyAsFenConverter>();
        // All timestamps are UTC; say so when they come back from a provider that forgets the kind.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class MoneyAsFenConverter() : ValueConverter<decimal, long>(v => Money.ToFen(v), v => Money.FromFen(v));

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
