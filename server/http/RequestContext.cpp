#include "http/RequestContext.h"

#include "http/ResponseWriter.h"

namespace cr {

HttpResponse RequestContext::errorResponse(const Error &error) const
{
    return writer->error(error, requestId);
}

} // namespace cr
