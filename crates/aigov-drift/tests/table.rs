//! Reading CSV: the RFC 4180 cases a hostile or sloppy export produces, read as the csv
//! crate and pandas read them.

use std::collections::BTreeMap;

use aigov_drift::{ColumnType, ColumnValues, DriftError, Table};

fn read(text: &[u8]) -> Result<Table, DriftError> {
    Table::from_reader(text, &BTreeMap::new(), "test")
}

fn numbers(table: &Table, name: &str) -> Vec<f64> {
    match &table.column(name).expect("column").values {
        ColumnValues::Numeric { values, .. } => values.clone(),
        other => panic!("{name} is not numeric: {other:?}"),
    }
}

fn labels(table: &Table, name: &str) -> Vec<Option<String>> {
    match &table.column(name).expect("column").values {
        ColumnValues::Categorical(v) => v.clone(),
        other => panic!("{name} is not categorical: {other:?}"),
    }
}

#[test]
fn quoted_cells_keep_commas_quotes_and_newlines() {
    let table = read(b"x,team\n1,\"red, blue\"\n2,\"say \"\"hi\"\"\"\n\"3\",\"two\nlines\"\n")
        .expect("read");
    assert_eq!(table.rows, 3);
    assert_eq!(numbers(&table, "x"), vec![1.0, 2.0, 3.0]);
    assert_eq!(
        labels(&table, "team"),
        vec![
            Some("red, blue".to_string()),
            Some("say \"hi\"".to_string()),
            Some("two\nlines".to_string())
        ]
    );
}

#[test]
fn crlf_bom_blank_lines_and_no_final_newline() {
    let table = read(b"\xEF\xBB\xBFx,y\r\n1,2\r\n\r\n3,4").expect("read");
    assert_eq!(table.rows, 2);
    assert_eq!(
        table.columns[0].name, "x",
        "the byte order mark is not part of the name"
    );
    assert_eq!(numbers(&table, "x"), vec![1.0, 3.0]);
    assert_eq!(numbers(&table, "y"), vec![2.0, 4.0]);
}

#[test]
fn missing_tokens_and_spaces() {
    let table = read(b"x,y\n NA ,1\nNaN,2\nnull,3\n,4\n 5 ,5\n").expect("read");
    let x = numbers(&table, "x");
    assert!(x[..4].iter().all(|v| v.is_nan()));
    assert_eq!(x[4], 5.0);
    assert_eq!(table.column("x").expect("x").missing(), 4);
}

#[test]
fn bad_input_is_a_typed_error() {
    let ragged = read(b"x,y\n1,2\n3\n").expect_err("ragged");
    assert!(matches!(ragged, DriftError::Csv { .. }), "{ragged}");
    let header = read(b"x,\xFF\n1,2\n").expect_err("header");
    assert!(header.to_string().contains("UTF-8"), "{header}");
    let cell = read(b"x,y\n1,a\n2,\xFF\n").expect_err("cell");
    assert!(cell.to_string().contains("UTF-8"), "{cell}");
    let twice = read(b"x,x\n1,2\n").expect_err("twice");
    assert!(twice.to_string().contains("twice"), "{twice}");
    assert!(read(b"").is_err(), "no header row");
    let mut types = BTreeMap::new();
    types.insert("z".to_string(), ColumnType::Numeric);
    let missing = Table::from_reader(&b"x\n1\n"[..], &types, "test").expect_err("missing");
    assert!(
        matches!(missing, DriftError::MissingColumn { .. }),
        "{missing}"
    );
}

#[test]
fn text_after_numbers_reads_the_column_as_text() {
    let table = read(b"x,y\n1,1\n2,b\n").expect("read");
    assert_eq!(numbers(&table, "x"), vec![1.0, 2.0]);
    assert_eq!(
        labels(&table, "y"),
        vec![Some("1".to_string()), Some("b".to_string())]
    );
}

#[test]
fn a_quote_inside_a_cell_is_a_character_and_swallows_nothing() {
    // The csv crate's reading: a quote that does not open the cell is part of it.
    let table = read(b"x,label\n1,12\" pipe\n2,ok\n3,3\" rod\n").expect("read");
    assert_eq!(table.rows, 3);
    assert_eq!(numbers(&table, "x"), vec![1.0, 2.0, 3.0]);
    assert_eq!(
        labels(&table, "label"),
        vec![
            Some("12\" pipe".to_string()),
            Some("ok".to_string()),
            Some("3\" rod".to_string())
        ]
    );
    // The same in the header.
    let table = read(b"x,inch\"es\n1,2\n3,4\n").expect("read");
    assert_eq!(table.rows, 2);
    assert_eq!(numbers(&table, "inch\"es"), vec![2.0, 4.0]);
}

#[test]
fn quotes_and_bare_carriage_returns_that_change_the_field_count_still_read() {
    // The fast reader sees a "ragged" record in each; the csv crate reads them as they are.
    let table = read(b"x,label,n\n1,12\" pipe,3\n2,ok,4\n").expect("inner quote");
    assert_eq!(table.rows, 2);
    assert_eq!(numbers(&table, "n"), vec![3.0, 4.0]);
    let table = read(b"x,y\n1,2\r3,4\n").expect("bare CR inside");
    assert_eq!(table.rows, 2);
    assert_eq!(numbers(&table, "y"), vec![2.0, 4.0]);
    // A record that really is ragged is still an error, from the strict reader.
    assert!(read(b"x,y,z\n1,2\n").is_err());
}

#[test]
fn bare_carriage_returns_end_lines() {
    let table = read(b"x,y\r1,2\r3,4\r").expect("read");
    assert_eq!(table.rows, 2);
    assert_eq!(numbers(&table, "x"), vec![1.0, 3.0]);
    assert_eq!(numbers(&table, "y"), vec![2.0, 4.0]);
    let table = read(b"x,y\r1,\"a\"\r").expect("read");
    assert_eq!(labels(&table, "y"), vec![Some("a".to_string())]);
}

#[test]
fn trailing_delimiters_empty_last_lines_and_header_only_files() {
    let table = read(b"x,y,\n1,2,\n3,4,\n\n").expect("read");
    assert_eq!(table.rows, 2);
    assert_eq!(numbers(&table, "y"), vec![2.0, 4.0]);
    let table = read(b"x,y\n").expect("header only");
    assert_eq!(table.rows, 0);
    assert_eq!(table.columns.len(), 2);
}

mod equivalence {
    use super::*;
    use proptest::prelude::*;

    const CELLS: [&str; 12] = [
        "1.5",
        "-2",
        "1e3",
        "7",
        "",
        "NA",
        "a",
        "b c",
        "x,y",
        "say \"hi\"",
        "two\nlines",
        "12\" pipe",
    ];

    fn write(rows: &[Vec<usize>], style: csv::QuoteStyle, crlf: bool) -> Vec<u8> {
        let mut out = csv::WriterBuilder::new()
            .quote_style(style)
            .terminator(if crlf {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            })
            .from_writer(Vec::new());
        out.write_record(["p", "q", "r"]).expect("header");
        for row in rows {
            out.write_record(row.iter().map(|&i| CELLS[i]))
                .expect("row");
        }
        out.into_inner().expect("flush")
    }

    proptest! {
        /// Whichever reader a file ends up with (the fast one when nothing is quoted, the
        /// strict one otherwise), the table is the same: written with every cell quoted, with
        /// quotes only where needed, with LF or CRLF line ends.
        #[test]
        fn every_quoting_reads_the_same(
            rows in prop::collection::vec(prop::collection::vec(0usize..12, 3), 1..40),
            crlf in any::<bool>(),
        ) {
            let always = read(&write(&rows, csv::QuoteStyle::Always, crlf)).expect("always");
            let needed = read(&write(&rows, csv::QuoteStyle::Necessary, crlf)).expect("needed");
            let plain_rows: Vec<Vec<usize>> = rows
                .iter()
                .map(|r| r.iter().map(|&i| i % 8).collect())
                .collect();
            prop_assert_eq!(format!("{always:?}"), format!("{needed:?}"));
            // Without tricky cells nothing is quoted, so the fast reader reads it all.
            let fast = read(&write(&plain_rows, csv::QuoteStyle::Necessary, crlf)).expect("fast");
            let strict = read(&write(&plain_rows, csv::QuoteStyle::Always, crlf)).expect("strict");
            prop_assert_eq!(format!("{fast:?}"), format!("{strict:?}"));
            // Quotes written raw inside cells (no delimiter or line break to protect) are
            // characters, as the csv crate reads them.
            let raw_rows: Vec<Vec<usize>> = rows
                .iter()
                .map(|r| r.iter().map(|&i| if i == 8 || i == 10 { 11 } else { i }).collect())
                .collect();
            let raw = read(&write(&raw_rows, csv::QuoteStyle::Never, crlf)).expect("raw");
            let quoted = read(&write(&raw_rows, csv::QuoteStyle::Always, crlf)).expect("quoted");
            prop_assert_eq!(format!("{raw:?}"), format!("{quoted:?}"));
        }
    }
}
