/* Private: network struct and the gradient engine (net.c). */
#ifndef HDNET_NET_PRIV_H
#define HDNET_NET_PRIV_H
#endif
