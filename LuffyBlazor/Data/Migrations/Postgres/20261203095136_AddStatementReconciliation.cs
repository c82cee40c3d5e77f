using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace LuffyBlazor.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddStatementReconciliation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ReconciliationDays",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    ClaimedUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    LastRunAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastRunBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true, collation: "C"),
                    CompletedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Error = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true, collation: "C"),
                    NextAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    NoStatement = table.Column<bool>(type: "boolean", nullable: false),
                    StatementRows = table.Column<int>(type: "integer", nullable: false),
                    MatchedCount = table.Column<int>(type: "integer", nullable: false),
                    MismatchCount = table.Column<int>(type: "integer", nullable: false),
                    AlipayIncome = table.Column<long>(type: "bigint", nullable: false),
                    AlipayRefunds = table.Column<long>(type: "bigint", nullable: false),
                    ShopIncome = table.Column<long>(type: "bigint", nullable: false),
                    ShopRefunds = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReconciliationDays", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ReconciliationMismatches",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DayId = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    OutTradeNo = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    TradeNo = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true, collation: "C"),
                    OutRequestNo = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true, collation: "C"),
                    AlipayAmount = table.Column<long>(type: "bigint", nullable: true),
                    ShopAmount = table.Column<long>(type: "bigint", nullable: true),
                    OrderKnown = table.Column<bool>(type: "boolean", nullable: false),
                    Detail = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false, collation: "C"),
                    RepairedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RepairedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReconciliationMismatches", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReconciliationMismatches_ReconciliationDays_DayId",
                        column: x => x.DayId,
                        principalTable: "ReconciliationDays",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ReconciliationDays_Date",
                table: "ReconciliationDays",
                column: "Date",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReconciliationMismatches_DayId_Kind",
                table: "ReconciliationMismatches",
                columns: new[] { "DayId", "Kind" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ReconciliationMismatches");

            migrationBuilder.DropTable(
                name: "ReconciliationDays");
        }
    }
}
