"""A few IPP requests (RFC 8011) to a print server, in Python's standard
library: the tests read the states of queues and jobs as attributes, not
from the wording of a CUPS command's output, which changes between
versions."""
import http.client
import struct

GET_JOBS, GET_PRINTER_ATTRIBUTES = 0x000A, 0x000B
OPERATION, JOB, PRINTER, END = 0x01, 0x02, 0x04, 0x03
INTEGER, BOOLEAN, ENUM = 0x21, 0x22, 0x23
KEYWORD, URI, CHARSET, LANGUAGE = 0x44, 0x45, 0x47, 0x48

# job-state and printer-state (RFC 8011 5.3.7, 5.4.11)
JOB_PENDING, JOB_HELD, JOB_PROCESSING, JOB_STOPPED, JOB_CANCELED, JOB_ABORTED, JOB_COMPLETED = range(3, 10)
PRINTER_IDLE, PRINTER_PROCESSING, PRINTER_STOPPED = 3, 4, 5


def _attr(tag, name, value):
    name = name.encode()
    return struct.pack('>BH', tag, len(name)) + name + struct.pack('>H', len(value)) + value


def _request(op, uri, extra=()):
    body = struct.pack('>BBHI', 2, 0, op, 1) + bytes([OPERATION])
    body += _attr(CHARSET, 'attributes-charset', b'utf-8')
    body += _attr(LANGUAGE, 'attributes-natural-language', b'en')
    body += _attr(URI, 'printer-uri', uri.encode())
    for tag, name, values in extra:
        for i, v in enumerate(values):
            body += _attr(tag, name if i == 0 else '', v.encode())
    return body + bytes([END])


def _parse(data):
    """The groups of a response: (group tag, {name: [values]}) each."""
    status = struct.unpack('>H', data[2:4])[0]
    assert status < 0x100, 'IPP status 0x%04x' % status
    groups, at, name = [], 8, None
    while at < len(data):
        tag = data[at]
        at += 1
        if tag == END:
            break
        if tag < 0x10:
            groups.append((tag, {}))
            continue
        n = struct.unpack('>H', data[at:at + 2])[0]
        name = data[at + 2:at + 2 + n].decode() or name
        at += 2 + n
        n = struct.unpack('>H', data[at:at + 2])[0]
        raw = data[at + 2:at + 2 + n]
        at += 2 + n
        if tag in (INTEGER, ENUM):
            value = struct.unpack('>i', raw)[0]
        elif tag == BOOLEAN:
            value = raw != b'\0'
        else:
            value = raw.decode(errors='replace')
        groups[-1][1].setdefault(name, []).append(value)
    return groups


def call(server, queue, op, extra=()):
    host, port = server.rsplit(':', 1)
    uri = 'ipp://%s/printers/%s' % (server, queue)
    con = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        con.request('POST', '/printers/' + queue, _request(op, uri, extra), {'Content-Type': 'application/ipp'})
        return _parse(con.getresponse().read())
    finally:
        con.close()


def printer(server, queue):
    """printer-state and the list of printer-state-reasons of a queue."""
    groups = call(server, queue, GET_PRINTER_ATTRIBUTES,
                  [(KEYWORD, 'requested-attributes', ['printer-state', 'printer-state-reasons'])])
    attrs = next(a for tag, a in groups if tag == PRINTER)
    return attrs['printer-state'][0], attrs.get('printer-state-reasons', [])


def jobs(server, queue):
    """{job-id: job-state} of every job the queue has had."""
    groups = call(server, queue, GET_JOBS, [(KEYWORD, 'which-jobs', ['all']),
                                            (KEYWORD, 'requested-attributes', ['job-id', 'job-state'])])
    return {a['job-id'][0]: a['job-state'][0] for tag, a in groups if tag == JOB and 'job-id' in a}
