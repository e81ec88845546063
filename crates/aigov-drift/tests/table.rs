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
