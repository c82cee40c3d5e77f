using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LuffyBlazor.Features.Courses;

public sealed class CourseCategory
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public int SortOrder { get; set; }
    public List<Course> Courses { get; set; } = [];
}

public sealed class Teacher
{
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary>Job title as the school prints it, e.g. "Python 全栈讲师".</summary>
    public string Title { get; set; } = "";
    public string Brief { get; set; } = "";
    /// <summary>Storage key of the avatar image.</summary>
    public string? Avatar { get; set; }
}

public enum CourseLevel
{
    Beginner = 0,
    Intermediate = 1,
    Advanced = 2,
}

public sealed class Course : IAuditable
{
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary>One line for cards.</summary>
    public string Brief { get; set; } = "";
    /// <summary>Plain text, paragraphs separated by blank lines.</summary>
    public string Description { get; set; } = "";
    public CourseLevel Level { get; set; }
    public decimal Price { get; set; }
    /// <summary>Storage key of the cover image.</summary>
    public string? Cover { get; set; }
    public int StudentsCount { get; set; }
    public bool IsOnSale { get; set; } = true;
    /// <summary>Lower comes first in the catalogue.</summary>
    public int SortOrder { get; set; }
    public int CategoryId { get; set; }
    public CourseCategory? Category { get; set; }
    public int TeacherId { get; set; }
    public Teacher? Teacher { get; set; }
    public List<CourseChapter> Chapters { get; set; } = [];
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class CourseChapter
{
    public int Id { get; set; }
    public int CourseId { get; set; }
    public int Number { get; set; }
    public required string Title { get; set; }
    public string Summary { get; set; } = "";
    public List<CourseLesson> Lessons { get; set; } = [];
}

public sealed class CourseLesson
{
    public int Id { get; set; }
    public int ChapterId { get; set; }
    public CourseChapter? Chapter { get; set; }
    public int Number { get; set; }
    public required string Title { get; set; }
    public int DurationSeconds { get; set; }
    /// <summary>Free preview lessons play for everyone; the rest only for owners of the course.</summary>
    public bool IsFreePreview { get; set; }
    /// <summary>Storage key of the lesson video.</summary>
    public string? VideoKey { get; set; }

    /// <summary>The uploaded video's own file name ("第1课-环境搭建.mp4"), for the back office; null for seed videos.</summary>
    public string? VideoFileName { get; set; }
}

internal sealed class CourseConfiguration :
    IEntityTypeConfiguration<CourseCategory>, IEntityTypeConfiguration<Teacher>, IEntityTypeConfiguration<Course>,
    IEntityTypeConfiguration<CourseChapter>, IEntityTypeConfiguration<CourseLesson>
{
    public void Configure(EntityTypeBuilder<CourseCategory> b)
    {
        b.Property(x => x.Name).HasMaxLength(64);
        b.HasIndex(x => x.Name).IsUnique();
    }

    public void Configure(EntityTypeBuilder<Teacher> b)
    {
        b.Property(x => x.Name).HasMaxLength(64);
        b.HasIndex(x => x.Name).IsUnique();
        b.Property(x => x.Title).HasMaxLength(64);
        b.Property(x => x.Brief).HasMaxLength(1024);
        b.Property(x => x.Avatar).HasMaxLength(256);
    }

    public void Configure(EntityTypeBuilder<Course> b)
    {
        b.Property(x => x.Name).HasMaxLength(128);
        b.HasIndex(x => x.Name).IsUnique();
        b.Property(x => x.Brief).HasMaxLength(256);
        b.Property(x => x.Description).HasMaxLength(8000);
        b.Property(x => x.Cover).HasMaxLength(256);
        // The catalogue's default listing: on-sale courses in the school's order.
        b.HasIndex(x => new { x.IsOnSale, x.SortOrder, x.Id });
        b.HasIndex(x => new { x.CategoryId, x.IsOnSale, x.SortOrder });
        b.HasOne(x => x.Category).WithMany(x => x.Courses).HasForeignKey(x => x.CategoryId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Teacher).WithMany().HasForeignKey(x => x.TeacherId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Chapters).WithOne().HasForeignKey(x => x.CourseId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<CourseChapter> b)
    {
        b.Property(x => x.Title).HasMaxLength(128);
        b.Property(x => x.Summary).HasMaxLength(1024);
        b.HasIndex(x => new { x.CourseId, x.Number });
        b.HasMany(x => x.Lessons).WithOne(x => x.Chapter).HasForeignKey(x => x.ChapterId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<CourseLesson> b)
    {
        b.Property(x => x.Title).HasMaxLength(128);
        b.Property(x => x.VideoKey).HasMaxLength(256);
        b.Property(x => x.VideoFileName).HasMaxLength(256);
        b.HasIndex(x => new { x.ChapterId, x.Number });
    }
}
