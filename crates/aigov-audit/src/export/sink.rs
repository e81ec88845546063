//! Where exported records go: a writer or file (one per line), UDP (one per datagram) or TCP
//! (one per line, or octet-counted for syslog).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::net::{TcpStream, ToSocketAddrs, UdpSocket};
use std::path::Path;
use std::time::Duration;

use super::{ExportFormat, syslog};
use crate::AuditError;

/// A destination for exported records.
pub trait EventSink: Send {
    /// Sends one record.
    fn send(&mut self, record: &str) -> io::Result<()>;
    /// Makes everything sent so far durable or delivered.
    fn flush(&mut self) -> io::Result<()>;
}

/// Records as lines on any writer (stdout, a buffer).
pub struct WriterSink<W: Write + Send>(pub W);

impl<W: Write + Send> EventSink for WriterSink<W> {
    fn send(&mut self, record: &str) -> io::Result<()> {
        self.0.write_all(record.as_bytes())?;
        self.0.write_all(b"\n")
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Records appended as lines to a file, synced on flush.
pub struct FileSink {
    file: io::BufWriter<File>,
}

impl FileSink {
    /// Opens `path` for appending, creating it if needed.
    pub fn open(path: &Path) -> io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(FileSink {
            file: io::BufWriter::new(file),
        })
    }
}

impl EventSink for FileSink {
    fn send(&mut self, record: &str) -> io::Result<()> {
        self.file.write_all(record.as_bytes())?;
        self.file.write_all(b"\n")
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()?;
        self.file.get_ref().sync_data()
    }
}

/// One record per UDP datagram.
pub struct UdpSink {
    socket: UdpSocket,
}

impl UdpSink {
    /// Connects a UDP socket to `addr`.
    pub fn connect(addr: &str) -> io::Result<Self> {
        let target = addr.to_socket_addrs()?.next().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("{addr} resolves to nothing"),
            )
        })?;
        let bind = if target.is_ipv6() {
            "[::]:0"
        } else {
            "0.0.0.0:0"
        };
        let socket = UdpSocket::bind(bind)?;
        socket.connect(target)?;
        Ok(UdpSink { socket })
    }
}

impl EventSink for UdpSink {
    fn send(&mut self, record: &str) -> io::Result<()> {
        self.socket.send(record.as_bytes()).map(|_| ())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Records over TCP: newline-delimited, or RFC 6587 octet counting for syslog.
pub struct TcpSink {
    stream: io::BufWriter<TcpStream>,
    octet_counting: bool,
}

impl TcpSink {
    /// Connects to `addr`.
    pub fn connect(addr: &str, octet_counting: bool) -> io::Result<Self> {
        let target = addr.to_socket_addrs()?.next().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("{addr} resolves to nothing"),
            )
        })?;
        let stream = TcpStream::connect_timeout(&target, Duration::from_secs(10))?;
        stream.set_write_timeout(Some(Duration::from_secs(30)))?;
        Ok(TcpSink {
            stream: io::BufWriter::new(stream),
            octet_counting,
        })
    }
}

impl EventSink for TcpSink {
    fn send(&mut self, record: &str) -> io::Result<()> {
        if self.octet_counting {
            self.stream.write_all(&syslog::frame(record))
        } else {
            self.stream.write_all(record.as_bytes())?;
            self.stream.write_all(b"\n")
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

/// Opens `udp://HOST:PORT`, `tcp://HOST:PORT`, `-` (stdout) or a file path.
pub fn open_sink(
    destination: &str,
    format: ExportFormat,
) -> Result<Box<dyn EventSink>, AuditError> {
    let io =
        |e: io::Error| AuditError::invalid("export destination", format!("{destination}: {e}"));
    if destination == "-" {
        return Ok(Box::new(WriterSink(io::stdout())));
    }
    if let Some(addr) = destination.strip_prefix("udp://") {
        return Ok(Box::new(UdpSink::connect(addr).map_err(io)?));
    }
    if let Some(addr) = destination.strip_prefix("tcp://") {
        let octets = format == ExportFormat::Syslog;
        return Ok(Box::new(TcpSink::connect(addr, octets).map_err(io)?));
    }
    Ok(Box::new(
        FileSink::open(Path::new(destination)).map_err(io)?,
    ))
}
